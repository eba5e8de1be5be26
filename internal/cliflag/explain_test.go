package cliflag

import (
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/urfave/cli/v2"
)

// The flag package's own errors, as each tool's command line produces
// them, come out naming the flag as typed and what it wants.
func TestExplainValue(t *testing.T) {
	flags := []cli.Flag{
		&cli.Uint64Flag{Name: "fuel"},
		&cli.IntFlag{Name: "instances", Aliases: []string{"n"}},
		&cli.DurationFlag{Name: "timeout"},
		&cli.BoolFlag{Name: "inherit-env"},
		&cli.UintFlag{Name: "max-open-files"},
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--fuel", "abc"}, `--fuel "abc": want a non-negative integer`},
		{[]string{"--fuel=-1"}, `--fuel "-1": want a non-negative integer`},
		{[]string{"-n", "x"}, `-n "x": want an integer`},
		{[]string{"--instances", "1e99"}, `--instances "1e99": want an integer`},
		{[]string{"--instances", "99999999999999999999"}, `--instances "99999999999999999999": out of range`},
		{[]string{"--timeout=1x"}, `--timeout "1x": want a duration such as 500ms, 10s or 1m30s`},
		{[]string{"--inherit-env=maybe"}, `--inherit-env "maybe": want true or false`},
		{[]string{"--max-open-files", `a"b`}, `--max-open-files "a\"b": want a non-negative integer`},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"--timeout"}, "flag needs an argument: -timeout"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		for _, f := range flags {
			if err := f.Apply(fs); err != nil {
				t.Fatal(err)
			}
		}
		err := fs.Parse(tt.args)
		if err == nil {
			t.Fatalf("%v parsed", tt.args)
		}
		if got := ExplainValue(err, flags); got.Error() != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
	if ExplainValue(nil) != nil {
		t.Error("nil error explained")
	}
	if e := errors.New("invalid value (unquoted)"); ExplainValue(e) != e {
		t.Error("an error of another form was rewritten")
	}
}
