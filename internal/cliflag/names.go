package cliflag

import "github.com/urfave/cli/v2"

// Names is f.Names() without its cost: urfave/cli's Names runs a regular
// expression over every name on every call (stripping a v1-style "name,
// alias" spelling lucet never uses), and cli itself calls it for every
// flag each time it looks one up, which made flag handling quadratic in
// the number of flags. The flag types lucet uses are read directly.
func Names(f cli.Flag) []string {
	var name string
	var aliases []string
	switch f := f.(type) {
	case *cli.BoolFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.StringFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.StringSliceFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.DurationFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.UintFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.Uint64Flag:
		name, aliases = f.Name, f.Aliases
	case *cli.IntFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.Int64Flag:
		name, aliases = f.Name, f.Aliases
	default:
		return f.Names()
	}
	return append([]string{name}, aliases...)
}

// TakesValue reports whether f is given a value (--name VALUE), as every
// flag but a boolean is.
func TakesValue(f cli.Flag) bool {
	if d, ok := f.(cli.DocGenerationFlag); ok {
		return d.TakesValue()
	}
	_, isBool := f.(*cli.BoolFlag)
	return !isBool
}

// Used returns the flags of all that args (argv: the program name, then
// flags only, as --name, --name=value or -name) names, for a cli.App that
// registers only those: urfave/cli does work per registered flag (a
// flag.FlagSet entry each, a linear lookup of every flag for each flag it
// checks), which a tool with many flags paid on every start. Leaving a flag
// out is invisible only if its value when absent is the zero value, as
// reading an unregistered flag gives (lucet-run's TestUnsetFlagsReadZero
// checks its flags). Any name that is not one of the flags (--help,
// --version, a typo) returns all of them and every true, so that help, the
// version and errors for unknown flags are exactly urfave/cli's; only then
// does the App need its Version (reading the build info costs too).
func Used(all []cli.Flag, args []string) (used []cli.Flag, every bool) {
	if len(args) <= 1 {
		return nil, false
	}
	byName := make(map[string]int, len(all))
	for i, f := range all {
		for _, n := range Names(f) {
			byName[n] = i
		}
	}
	seen := make([]bool, len(all))
	for _, a := range args[1:] {
		name := a
		for len(name) > 0 && name[0] == '-' {
			name = name[1:]
		}
		for i := 0; i < len(name); i++ {
			if name[i] == '=' {
				name = name[:i]
				break
			}
		}
		i, ok := byName[name]
		if !ok || len(a) < 2 || a[0] != '-' {
			return all, true
		}
		if !seen[i] {
			seen[i] = true
			used = append(used, all[i])
		}
	}
	return used, false
}

// namedBool is a *cli.BoolFlag whose Names are read once, not through
// urfave/cli's regular expression on every call.
type namedBool struct {
	*cli.BoolFlag
	names []string
}

func (f namedBool) Names() []string { return f.names }

// CheapHelpFlag makes urfave/cli's HelpFlag answer Names without a
// regular expression. cli asks it on every run, to see whether help was
// asked for (checkHelp), even when the App hides it, and each call
// executes a regular expression with a 36 KiB scratch allocation: for a
// tool that otherwise registers no flag, most of its flag handling. The
// flag is otherwise the same (help output included: its String and
// Apply are BoolFlag's). Call it from main's init, before any App runs.
func CheapHelpFlag() {
	if b, ok := cli.HelpFlag.(*cli.BoolFlag); ok {
		cli.HelpFlag = namedBool{b, Names(b)}
	}
}
