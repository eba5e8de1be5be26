// Command lucet-run runs a module compiled by lucetc.
//
// In: a .so written by lucetc, and either --invoke NAME [ARGS...] (call one
// export, like `wasmtime --invoke`) or, once WASI is wired in, nothing (run
// _start as a WASI command). Out: with --invoke, the results on standard
// output, one per line, and nothing else. A trap prints the error and the
// wasm backtrace on standard error and exits 134; usage errors exit 2;
// load, link and other runtime errors exit 1.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"lucet/pkg/execute"
	"lucet/pkg/load"
	"lucet/pkg/wasm"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	exitTrap  = 134 // what a SIGABRT'd process reports, as wasmtime does
)

type usageError struct{ error }

// Commander runs a module without --invoke (a WASI command's _start). The
// WASI layer sets it; until then lucet-run only supports --invoke.
var Commander func(c *Command) (int, error)

// Command is what a Commander gets: the loaded module, the store to run it
// in, the program's arguments and its standard streams.
type Command struct {
	Module *load.Module
	Store  *execute.Store
	Args   []string // argv for the guest: the module path, then the rest
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// run is main without the process: tests call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, path, invoke, hasInvoke, rest, err := splitArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v (see --help)\n", err)
		return exitUsage
	}
	status := exitOK
	app := &cli.App{
		Name:            "lucet-run",
		Usage:           "run a module compiled by lucetc",
		ArgsUsage:       "MODULE.so [--invoke NAME] [ARGS...]",
		HideHelpCommand: true,
		Writer:          stdout,
		ErrWriter:       stderr,
		Description: "--invoke NAME calls an export and prints its results, one per line.\n" +
			"Arguments are typed by the export's signature; write TYPE:VALUE to be explicit\n" +
			"(i32:-1, i64:42, f64:0.5, f32:0x7fc00001 for a bit pattern, externref:7,\n" +
			"externref:null, funcref:null).\n" +
			"Exit status: 0 ok, 1 error, 2 usage, 134 trap.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "invoke", Usage: "call the exported function `NAME` instead of running _start"},
			&cli.DurationFlag{Name: "timeout", Usage: "trap the call after this long (0: no limit)"},
			&cli.UintFlag{Name: "max-memory-pages", Usage: "cap on linear memory growth, in 64 KiB pages (0: 65536)"},
			&cli.IntFlag{Name: "stack-size", Usage: "guest stack size in bytes (0: 1 MiB)"},
		},
		OnUsageError:   func(c *cli.Context, err error, _ bool) error { return usageError{err} },
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if path == "" {
				return usageError{errors.New("no module given")}
			}
			cfg := execute.Config{
				Timeout:        c.Duration("timeout"),
				MaxMemoryPages: uint32(c.Uint("max-memory-pages")),
				StackSize:      c.Int("stack-size"),
			}
			status = runModule(cfg, path, hasInvoke, invoke, rest, stdin, stdout, stderr)
			return nil
		},
	}
	if err := app.Run(flags); err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v (see --help)\n", err)
		return exitUsage
	}
	return status
}

// splitArgs separates lucet-run's own flags from the module path, the
// --invoke name and the guest's arguments. Everything after the module
// (and after --invoke NAME) belongs to the guest verbatim, so "-1" is an
// argument, not a flag. The flags come back as an argv for the cli parser.
func splitArgs(args []string) (flags []string, path, invoke string, hasInvoke bool, rest []string, err error) {
	if len(args) == 0 {
		return nil, "", "", false, nil, errors.New("empty argv")
	}
	flags = []string{args[0]}
	valueFlags := map[string]bool{"timeout": true, "max-memory-pages": true, "stack-size": true}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if path != "" && (!strings.HasPrefix(a, "-") || a == "--" || isNumber(a)) {
			if a == "--" {
				i++
			}
			rest = append(rest, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			path = a
			continue
		}
		if a == "--" {
			if i+1 < len(args) && path == "" {
				path = args[i+1]
				i++
			}
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name == "invoke":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, "", "", false, nil, errors.New("--invoke needs a function name")
				}
				i++
				val = args[i]
			}
			invoke, hasInvoke = val, true
		case valueFlags[name] && !hasVal:
			if i+1 >= len(args) {
				return nil, "", "", false, nil, fmt.Errorf("--%s needs a value", name)
			}
			flags = append(flags, a, args[i+1])
			i++
		default:
			flags = append(flags, a)
		}
	}
	if hasInvoke {
		flags = append(flags, "--invoke="+invoke)
	}
	return flags, path, invoke, hasInvoke, rest, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+"), 64)
	return err == nil || strings.HasPrefix(strings.TrimPrefix(s, "-"), "0x")
}

func runModule(cfg execute.Config, path string, hasInvoke bool, name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	mod, err := load.File(path)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	defer mod.Close()
	store, err := execute.NewStore(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	defer store.Close()

	if !hasInvoke {
		if Commander == nil {
			fmt.Fprintf(stderr, "lucet-run: running _start (WASI) is not supported yet; use --invoke NAME\n")
			return exitUsage
		}
		code, err := Commander(&Command{Module: mod, Store: store, Args: append([]string{path}, args...), Stdin: stdin, Stdout: stdout, Stderr: stderr})
		if err != nil {
			return report(stderr, err)
		}
		return code
	}

	inst, err := store.Instantiate(mod, nil)
	if err != nil {
		return report(stderr, err)
	}
	ext, ok := inst.Export(name)
	if !ok {
		fmt.Fprintf(stderr, "lucet-run: %s has no export %q\n", path, name)
		return exitUsage
	}
	f, ok := ext.(*execute.Func)
	if !ok {
		fmt.Fprintf(stderr, "lucet-run: export %q is a %s, not a function\n", name, ext.ExternKind())
		return exitUsage
	}
	ft := f.Type()
	if len(args) != len(ft.Params) {
		fmt.Fprintf(stderr, "lucet-run: %s takes %d arguments (%s), got %d\n", name, len(ft.Params), ft, len(args))
		return exitUsage
	}
	vals := make([]uint64, len(args))
	for i, a := range args {
		v, err := parseArg(a, ft.Params[i])
		if err != nil {
			fmt.Fprintf(stderr, "lucet-run: argument %d: %v\n", i+1, err)
			return exitUsage
		}
		vals[i] = v
	}
	res, err := f.Call(vals...)
	if err != nil {
		return report(stderr, err)
	}
	for i, v := range res {
		fmt.Fprintln(stdout, formatValue(v, ft.Results[i]))
	}
	return exitOK
}

// report prints a runtime error and picks the exit status.
func report(stderr io.Writer, err error) int {
	var tr *execute.Trap
	if errors.As(err, &tr) {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitTrap
	}
	fmt.Fprintf(stderr, "lucet-run: %v\n", err)
	return exitError
}

// parseArg reads one argument of type t: a plain number, or TYPE:VALUE.
// Floats given as 0x... without a '.' or 'p' are bit patterns, so NaN
// payloads and -0 survive.
func parseArg(s string, t wasm.ValType) (uint64, error) {
	if typ, val, ok := strings.Cut(s, ":"); ok {
		if typ != t.String() {
			return 0, fmt.Errorf("%q is a %s, the parameter is %s", s, typ, t)
		}
		s = val
	}
	switch t {
	case wasm.I32:
		if v, err := strconv.ParseInt(s, 0, 32); err == nil {
			return uint64(uint32(v)), nil
		}
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i32", s)
		}
		return v, nil
	case wasm.I64:
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			return uint64(v), nil
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i64", s)
		}
		return v, nil
	case wasm.F32, wasm.F64:
		bits := 32
		if t == wasm.F64 {
			bits = 64
		}
		if isBitPattern(s) {
			v, err := strconv.ParseUint(s[2:], 16, bits)
			if err != nil {
				return 0, fmt.Errorf("%q is not a %d-bit pattern", s, bits)
			}
			return v, nil
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return 0, fmt.Errorf("%q is not an %s", s, t)
		}
		if t == wasm.F32 {
			return uint64(math.Float32bits(float32(f))), nil
		}
		return math.Float64bits(f), nil
	case wasm.ExternRef, wasm.FuncRef:
		if s == "null" {
			return 0, nil
		}
		if t == wasm.FuncRef {
			return 0, errors.New("only funcref:null can be passed")
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil || v == math.MaxUint64 {
			return 0, fmt.Errorf("%q is not an externref (a number or null)", s)
		}
		return v + 1, nil // 0 is null
	}
	return 0, fmt.Errorf("parameters of type %s are not supported", t)
}

func isBitPattern(s string) bool {
	return (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) && !strings.ContainsAny(s, ".pP")
}

// formatValue prints a result the way wasmtime --invoke does: integers
// signed, floats in shortest decimal, references by their host value.
func formatValue(v uint64, t wasm.ValType) string {
	switch t {
	case wasm.I32:
		return strconv.FormatInt(int64(int32(v)), 10)
	case wasm.I64:
		return strconv.FormatInt(int64(v), 10)
	case wasm.F32:
		return formatFloat(float64(math.Float32frombits(uint32(v))), 32)
	case wasm.F64:
		return formatFloat(math.Float64frombits(v), 64)
	case wasm.ExternRef:
		if v == 0 {
			return "externref:null"
		}
		return "externref:" + strconv.FormatUint(v-1, 10)
	case wasm.FuncRef:
		if v == 0 {
			return "funcref:null"
		}
		return "funcref"
	}
	return fmt.Sprintf("%#x", v)
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
