package cliflag

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// ExplainValue rewrites the flag package's error for a value that does
// not parse ("invalid value "x" for flag -fuel: parse error") into the
// form the tools' own checks use, the flag as the user spelled it and what
// it wants: `--fuel "x": want a non-negative integer`. Go's text names the
// flag with one dash whatever was typed, and "parse error" does not say
// what would have parsed. flags are the command's (the flag's type says
// what it wants); any other error comes back as it is.
func ExplainValue(err error, flags ...[]cli.Flag) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var value, name, why string
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		// "invalid boolean value %q for -%s: %v"
		v, after, ok := cutQuoted(rest)
		if !ok {
			return err
		}
		n, _, ok := strings.Cut(strings.TrimPrefix(after, " for -"), ": ")
		if !ok || !strings.HasPrefix(after, " for -") {
			return err
		}
		value, name, why = v, n, "want true or false"
	} else if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		// "invalid value %q for flag -%s: %v"
		v, after, ok := cutQuoted(rest)
		if !ok || !strings.HasPrefix(after, " for flag -") {
			return err
		}
		n, reason, ok := strings.Cut(strings.TrimPrefix(after, " for flag -"), ": ")
		if !ok {
			return err
		}
		value, name = v, n
		switch reason {
		case "parse error":
			why = wants(name, flags)
		case "value out of range":
			why = "out of range"
		default:
			why = reason
		}
	} else {
		return err
	}
	dash := "--"
	if len(name) == 1 {
		dash = "-"
	}
	return fmt.Errorf("%s%s %q: %s", dash, name, value, why)
}

// cutQuoted splits a Go-quoted string off the front of s.
func cutQuoted(s string) (value, rest string, ok bool) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", false
	}
	v, err := strconv.Unquote(q)
	return v, s[len(q):], err == nil
}

// wants says what a flag of name's type takes.
func wants(name string, flags [][]cli.Flag) string {
	for _, fs := range flags {
		for _, f := range fs {
			for _, n := range Names(f) {
				if n != name {
					continue
				}
				switch f.(type) {
				case *cli.IntFlag, *cli.Int64Flag:
					return "want an integer"
				case *cli.UintFlag, *cli.Uint64Flag:
					return "want a non-negative integer"
				case *cli.DurationFlag:
					return "want a duration such as 500ms, 10s or 1m30s"
				case *cli.Float64Flag:
					return "want a number"
				}
			}
		}
	}
	return "not a valid value"
}
