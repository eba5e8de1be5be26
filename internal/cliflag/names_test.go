package cliflag

import (
	"bytes"
	"slices"
	"strings"
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

// CheapHelpFlag must change nothing a user sees: the names, --help and -h
// output, and that a run without them does not show help.
func TestCheapHelpFlag(t *testing.T) {
	orig := cli.HelpFlag
	defer func() { cli.HelpFlag = orig }()
	run := func(args ...string) string {
		var out bytes.Buffer
		app := &cli.App{
			Name:   "x",
			Usage:  "test",
			Writer: &out,
			Flags:  []cli.Flag{&cli.BoolFlag{Name: "quiet", Usage: "say less"}},
			Action: func(*cli.Context) error { out.WriteString("ran\n"); return nil },
		}
		if err := app.Run(append([]string{"x"}, args...)); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return out.String()
	}
	cases := [][]string{{"--help"}, {"-h"}, {"--quiet"}, nil}
	var want []string
	for _, args := range cases {
		want = append(want, run(args...))
	}
	wantNames := orig.Names()
	CheapHelpFlag()
	if cli.HelpFlag == orig {
		t.Fatal("HelpFlag not replaced")
	}
	if got := cli.HelpFlag.Names(); !slices.Equal(got, wantNames) {
		t.Errorf("Names = %q, want %q", got, wantNames)
	}
	for i, args := range cases {
		if got := run(args...); got != want[i] {
			t.Errorf("%q: output changed:\n%s\nwant:\n%s", args, got, want[i])
		}
	}
	if !strings.Contains(want[0], "--help, -h") || want[3] != "ran\n" {
		t.Errorf("unexpected baseline outputs %q", want)
	}
}
