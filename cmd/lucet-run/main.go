// Command lucet-run runs a module compiled by lucetc.
//
// In: a .so written by lucetc (or a .wasm, compiled in memory first through
// an on-disk cache), and either --invoke NAME [ARGS...] (call one export,
// like `wasmtime --invoke`) or the guest's arguments (run _start as a WASI
// command, seeing only the --dir directories and --env variables it is
// given). Out: with --invoke, the results on standard output, one per line,
// and nothing else; for a command, the guest's proc_exit status (0 when
// _start returns). A trap prints the error and the wasm backtrace on
// standard error and exits 134; a --timeout says so and exits 124; usage
// errors exit 2; load, link and other runtime errors exit 1.
package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func main() {
	// lucet-run's heap is the module's metadata, allocated once at load
	// and live until exit; the guest's memory is not Go heap. Collecting
	// at the default 100% of a 4 MiB heap would only re-scan that
	// metadata (a Go program's is tens of megabytes) while loading it;
	// an explicit GOGC from the user still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	exiting = true
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// exiting says the process ends when run returns, so the module and store
// need not be torn down: returning guest memory and stacks for reuse and
// unmapping the code are work the exit does anyway (tests, which call run
// many times in one process, leave it false).
var exiting bool

// Exit statuses.
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitTrap    = 134 // what a SIGABRT'd process reports, as wasmtime does
	exitTimeout = 124 // as timeout(1) reports
)

type usageError struct{ error }

// exitProcess ends the process when a --timeout has not stopped the guest
// in time; tests replace it.
var exitProcess = os.Exit

// timeoutGrace is how long past --timeout the guest gets before the process
// exits without it. The store's timeout stops guest code and every WASI
// call that waits on a stream or clock (poll_oneoff, fd_read, fd_write,
// sock_*), which then ends the run through the ordinary path (exit 124,
// deferred cleanup done). What it cannot reach is a host call blocked in
// the kernel on a file: a guest's path_open of a FIFO nobody opens for
// writing, fsync or close on a hung network filesystem. For those this is
// the last resort. It is generous so that on a loaded machine it never
// overtakes the ordinary path, which takes a few milliseconds.
const timeoutGrace = time.Second

// runOptions are the flags that shape a run beyond the store's limits.
type runOptions struct {
	dirs    []wasi.Preopen
	sockets []syscall.Conn
	env     []string
	noCache bool
	trusted []ed25519.PublicKey // --trusted-keys
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
		Description: "Without --invoke, runs the module's _start as a WASI command with ARGS\n" +
			"(argv[0] is the module's name); it sees only the --dir directories and\n" +
			"the --env variables, and inherits stdin, stdout and stderr.\n" +
			"--invoke NAME calls an export and prints its results, one per line.\n" +
			"Arguments are typed by the export's signature; write TYPE:VALUE to be explicit\n" +
			"(i32:-1, i64:42, f64:0.5, f32:0x7fc00001 for a bit pattern, externref:7,\n" +
			"externref:null, funcref:null).\n" +
			"Exit status: the guest's exit status; 1 error, 2 usage, 124 timeout, 134 trap.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "invoke", Usage: "call the exported function `NAME` instead of running _start"},
			&cli.StringSliceFlag{Name: "dir", Usage: "preopen host directory `HOST[::GUEST]` for the guest (repeatable)"},
			&cli.StringSliceFlag{Name: "env", Usage: "set `NAME[=VALUE]` in the guest's environment; a bare NAME passes the host's value, if it has one (repeatable; nothing else is inherited)"},
			&cli.DurationFlag{Name: "timeout", Usage: "stop the guest after this long (0: no limit)"},
			&cli.StringFlag{Name: "max-memory", Usage: "cap on linear memory, in bytes (e.g. 64MiB; rounded down to 64 KiB pages)"},
			&cli.UintFlag{Name: "max-memory-pages", Usage: "cap on linear memory growth, in 64 KiB pages (0: 65536)"},
			&cli.StringFlag{Name: "stack-size", Usage: "guest stack size in bytes (e.g. 512KiB; default 1 MiB)"},
			&cli.Uint64Flag{Name: "fuel", Usage: "trap \"all fuel consumed\" after about `N` wasm instructions (0: no limit; a .wasm is compiled with fuel instrumentation, an object must come from lucetc --fuel)"},
			&cli.StringSliceFlag{Name: "tcplisten", Usage: "listen on TCP `ADDR` (host:port) and hand the socket to the guest after the --dir fds, for sock_accept (repeatable)"},
			&cli.BoolFlag{Name: "no-cache", Usage: "compile a .wasm module without the on-disk cache"},
			trustedKeysFlag,
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
				Fuel:           c.Uint64("fuel"),
			}
			if v := c.String("max-memory"); v != "" {
				n, err := humanize.ParseBytes(v)
				if err != nil {
					return usageError{fmt.Errorf("--max-memory %s: want a size such as 65536, 64MiB or 4GiB", v)}
				}
				pages := n / wasm.PageSize
				if pages == 0 || pages > wasm.MaxPages {
					return usageError{fmt.Errorf("--max-memory %s: must be between 64KiB and 4GiB", v)}
				}
				if cfg.MaxMemoryPages == 0 || uint32(pages) < cfg.MaxMemoryPages {
					cfg.MaxMemoryPages = uint32(pages)
				}
			}
			if v := c.String("stack-size"); v != "" {
				n, err := humanize.ParseBytes(v)
				if err != nil || n < 16<<10 || n > 1<<30 {
					return usageError{fmt.Errorf("--stack-size %s: want a size from 16KiB to 1GiB", v)}
				}
				cfg.StackSize = int(n)
			}
			var ro runOptions
			ro.noCache = c.Bool("no-cache")
			keys, err := trustedKeys(c)
			if err != nil {
				return err
			}
			ro.trusted = keys
			for _, d := range c.StringSlice("dir") {
				host, guest, ok := strings.Cut(d, "::")
				if !ok {
					guest = host
				}
				if host == "" || guest == "" {
					return usageError{fmt.Errorf("--dir %q: want HOST[::GUEST]", d)}
				}
				ro.dirs = append(ro.dirs, wasi.Preopen{HostPath: host, GuestPath: guest})
			}
			for _, a := range c.StringSlice("tcplisten") {
				l, err := listenTCP(a)
				if err != nil {
					return usageError{fmt.Errorf("--tcplisten %s: %v", a, err)}
				}
				defer l.Close()
				ro.sockets = append(ro.sockets, l)
			}
			for _, e := range c.StringSlice("env") {
				name, _, hasValue := strings.Cut(e, "=")
				if name == "" {
					return usageError{fmt.Errorf("--env %q: want NAME[=VALUE]", e)}
				}
				if !hasValue {
					// As wasmtime: a bare name passes the host's
					// variable through, and nothing when it is unset.
					v, ok := os.LookupEnv(name)
					if !ok {
						continue
					}
					e = name + "=" + v
				}
				ro.env = append(ro.env, e)
			}
			status = runModule(cfg, ro, path, hasInvoke, invoke, rest, stdin, stdout, stderr)
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
	valueFlags := map[string]bool{"timeout": true, "max-memory-pages": true, "stack-size": true,
		"dir": true, "env": true, "tcplisten": true, "max-memory": true, "fuel": true, "trusted-keys": true}
	for i := 1; i < len(args); i++ {
		a := args[i]
		// "-" (conventionally "read standard input") is an argument too,
		// never a second module path.
		if path != "" && (!strings.HasPrefix(a, "-") || a == "-" || a == "--" || isNumber(a)) {
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

func runModule(cfg execute.Config, ro runOptions, path string, hasInvoke bool, name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	get := loadModule
	if ro.trusted != nil {
		get = func(path string, _, _ bool) (*load.Module, error) { return loadSigned(path, ro.trusted) }
	}
	mod, err := get(path, ro.noCache, cfg.Fuel > 0)
	if err != nil {
		msg := oneLine(err)
		if !strings.Contains(msg, path) { // load errors name the file already
			msg = path + ": " + msg
		}
		fmt.Fprintf(stderr, "lucet-run: %s\n", msg)
		return exitError
	}
	if !exiting {
		defer mod.Close()
	}
	store, err := execute.NewStore(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	if !exiting {
		defer store.Close()
	}
	if cfg.Timeout > 0 {
		// See timeoutGrace: the last resort for a host call blocked in
		// the kernel, where the store's timeout cannot reach.
		t := time.AfterFunc(cfg.Timeout+timeoutGrace, func() {
			fmt.Fprintf(stderr, "lucet-run: timeout: the guest ran out of time (%v) inside a host call that could not be interrupted\n", cfg.Timeout)
			exitProcess(exitTimeout)
		})
		defer t.Stop()
	}

	wasiOpts := command.Options{
		Args:     []string{filepath.Base(path)},
		Env:      ro.env,
		Preopens: ro.dirs,
		Sockets:  ro.sockets,
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
	}
	if !hasInvoke {
		wasiOpts.Args = append(wasiOpts.Args, args...)
		code, err := command.Run(store, mod, wasiOpts)
		if err != nil {
			return report(stderr, err)
		}
		return code
	}

	// An export of a WASI module gets WASI too (as with wasmtime
	// --invoke), set up from the same flags, argv[0] alone.
	var imports execute.Imports
	for _, im := range mod.Meta.Imports {
		if im.Module != wasi.ModuleName {
			continue
		}
		sys, wasiImports, err := command.Link(store, wasiOpts)
		if err != nil {
			fmt.Fprintf(stderr, "lucet-run: %v\n", oneLine(err))
			return exitError
		}
		defer sys.Close()
		imports = wasiImports
		break
	}
	inst, err := store.Instantiate(mod, imports)
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

// loadModule loads a compiled object, or compiles a .wasm module first
// (recognized by its magic number, whatever its name) through the cache,
// instrumented for fuel metering when fuel is set.
func loadModule(path string, noCache, fuel bool) (*load.Module, error) {
	var c *compile.Cache
	if !noCache {
		c, _ = compile.DefaultCache() // no cache directory: compile in memory
	}
	opts := codegen.Default()
	opts.Fuel = fuel
	return compile.LoadFile(path, opts, c)
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// report prints a runtime error and picks the exit status.
func report(stderr io.Writer, err error) int {
	var exit *wasi.ExitError
	if errors.As(err, &exit) { // proc_exit from an --invoke'd function
		return int(exit.Code)
	}
	var tr *execute.Trap
	if errors.As(err, &tr) && tr.Code == abi.TrapInterrupt {
		fmt.Fprintf(stderr, "lucet-run: timeout: the guest ran out of time\n%v\n", err)
		return exitTimeout
	}
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
