package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
)

// cmdline is a command line split into lucet-run's own part and the guest's.
type cmdline struct {
	flags  []string // argv for the cli parser: argv[0], then --name or --name=value
	module string   // "" when none was given
	guest  []string // everything after the module, verbatim
}

// splitArgs separates lucet-run's flags from the module and the guest's
// arguments, as wasmtime does: options come before the module, and
// everything after it belongs to the guest verbatim, so `x.wasm -test.v`
// or `--invoke add x.wasm -1 2` pass those on untouched. "--" before the
// module ends the options (the next argument is the module, even one
// starting with '-'); a "--" right after the module is dropped, for
// wrappers that write `lucet-run OPTIONS MODULE -- ARGS`. Value flags come
// back as --name=value, in order.
//
// flags is called only when there is a flag to look up: a plain
// `lucet-run x.so` makes none.
func splitArgs(args []string, flags func() []cli.Flag) (cmdline, error) {
	if len(args) == 0 {
		return cmdline{}, errors.New("empty argv")
	}
	var takesValue map[string]bool
	valued := func(name string) bool {
		if takesValue == nil {
			takesValue = map[string]bool{}
			for _, f := range flags() {
				v := cliflag.TakesValue(f)
				for _, n := range cliflag.Names(f) {
					takesValue[n] = v
				}
			}
		}
		return takesValue[name]
	}
	c := cmdline{flags: []string{args[0]}}
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				if err := cliflag.CheckPaths(args[i+1]); err != nil {
					return cmdline{}, err
				}
				c.module = args[i+1]
				i += 2
			}
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			// A module given as "" is not "no module given".
			if err := cliflag.CheckPaths(a); err != nil {
				return cmdline{}, err
			}
			c.module = a
			i++
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasVal && valued(name) {
			if i+1 >= len(args) {
				return cmdline{}, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			val, hasVal = args[i], true
		}
		if hasVal {
			c.flags = append(c.flags, "--"+name+"="+val)
		} else {
			c.flags = append(c.flags, a)
		}
	}
	if c.module != "" && i < len(args) {
		rest := args[i:]
		if rest[0] == "--" {
			rest = rest[1:]
		}
		c.guest = append([]string{}, rest...)
	}
	return c, nil
}

// values returns the values of the named flags in command-line order
// (cli's slice flags keep each flag's own order, but not how --dir and
// --dir-ro interleave, which decides the guest's fd numbers).
func (c cmdline) values(names ...string) (out [][2]string) {
	for _, a := range c.flags[1:] {
		name, val, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !ok {
			continue
		}
		for _, n := range names {
			if n == name {
				out = append(out, [2]string{name, val})
			}
		}
	}
	return out
}
