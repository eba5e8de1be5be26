package cliflag

import (
	"testing"

	"github.com/urfave/cli/v2"
)

func TestUsed(t *testing.T) {
	all := []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}},
		&cli.StringFlag{Name: "out"},
		&cli.StringSliceFlag{Name: "dir"},
	}
	tests := []struct {
		args []string
		want []int // indexes into all; nil with allFlags
		all  bool
	}{
		{args: []string{"x"}},
		{args: []string{"x", "--out=a"}, want: []int{1}},
		{args: []string{"x", "-q", "--dir=a", "--dir=b", "--quiet"}, want: []int{0, 2}},
		{args: []string{"x", "--out=a", "--help"}, all: true},
		{args: []string{"x", "--version"}, all: true},
		{args: []string{"x", "--nope"}, all: true},
		{args: []string{"x", "positional"}, all: true},
	}
	for _, tc := range tests {
		got, every := Used(all, tc.args)
		if every != tc.all {
			t.Errorf("Used(%q) says every=%v", tc.args, every)
		}
		var want []cli.Flag
		if tc.all {
			want = all
		}
		for _, i := range tc.want {
			want = append(want, all[i])
		}
		if len(got) != len(want) {
			t.Errorf("Used(%q) = %v, want %v", tc.args, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("Used(%q)[%d] = %v, want %v", tc.args, i, got[i], want[i])
			}
		}
	}
}
