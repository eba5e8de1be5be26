// No background GOMAXPROCS updates (Go 1.25's default): the runtime would
// start a goroutine for them before any package initialises, which wakes
// the second P and is one more reason the main goroutine changes P (see
// internal/oneproc), and sysmon would read the cgroup files again. lucet-run
// sets GOMAXPROCS itself (oneproc.Release gives back the runtime's
// cgroup-aware default once), as every Go program did before Go 1.25.
//go:debug updatemaxprocs=0

// Command lucet-run runs a WebAssembly module: a .so compiled by lucetc, or
// a .wasm compiled first through the on-disk cache (package compile).
//
// In: lucet-run [OPTIONS] MODULE [ARGS...]. Without --invoke, the module's
// _start runs as a WASI command with ARGS (everything after MODULE, verbatim),
// seeing only the --dir directories and the --env variables it is given;
// --invoke NAME calls one export with ARGS as its parameters. Out: with
// --invoke, the results on standard output, one per line; otherwise the
// guest's output. Exit status: see cliflag (0, 1 refused, 2 usage, 124
// timeout, 134 trap) or the guest's own proc_exit status.
//
// This file is flag parsing and wiring; loading, linking and running are
// packages compile and command.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/oneproc"
	_ "github.com/lucet-go/lucet/internal/startstack" // see its package doc
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// cheapHelpFlag runs cliflag.CheapHelpFlag before the first App does; a
// command line with no option runs none, and pays nothing for it.
var cheapHelpFlag sync.Once

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

// releaseProcs gives back the Ps internal/oneproc held through start-up
// (see its package doc): compiling needs them for its parallel code
// generation, a guest for its timeout's timer.
func releaseProcs() { oneproc.Release(os.Getenv("GOMAXPROCS") != "") }

// releaseProcsForGuest gives the Ps back for the guest without making its
// start wait for them: a goroutine started here releases them, which the
// scheduler runs as soon as the main goroutine blocks (a host call that
// blocks hands its P over, and the M that takes it runs the goroutine
// waiting there) or is preempted (sysmon preempts a guest that runs for
// 10 ms, see pkg/execute's doc), so a timer of the guest's (--timeout)
// waits for a P at most that long. A guest done before then, as hello
// world is, never pays for the stop-the-world and the P the release
// makes: 0.3-0.4 ms of CPU per run (cpualt, 250-300 interleaved runs of
// hello.so). A goroutine rather than a timer already due
// (time.AfterFunc(0, ...)): the first timer of a process sets up the
// network poller (epoll_create1, eventfd2, epoll_ctl, and two
// descriptors for the exit to close), which nothing else of a run
// without --timeout needs; perf put 0.6-0.8 samples of 40 us a run there
// (scripts/startprof.sh), and cpualt, 3000 interleaved runs, measured
// the goroutine 0.03 ms less median CPU (1.77 against 1.80 ms; the same
// median page faults, 297).
// Under GODEBUG=asyncpreemptoff=1 Go never preempts a spinning guest, so
// the release is made first (TestGuestGetsProcs).
func releaseProcsForGuest() {
	if asyncPreemptOff(os.Getenv("GODEBUG")) {
		releaseProcs()
		return
	}
	go releaseProcs()
}

// asyncPreemptOff says whether a GODEBUG value turns asynchronous
// preemption off (its last asyncpreemptoff setting wins, as in Go).
func asyncPreemptOff(godebug string) bool {
	off := false
	for _, kv := range strings.Split(godebug, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "asyncpreemptoff" {
			off = v == "1"
		}
	}
	return off
}

// exiting says the process ends when run returns, so the module and store
// need not be torn down: returning guest memory and stacks for reuse and
// unmapping the code are work the exit does anyway (tests, which call run
// many times in one process, leave it false).
var exiting bool

// Exit statuses (cliflag has the convention every tool shares).
const (
	exitOK      = cliflag.ExitOK
	exitError   = cliflag.ExitRefused
	exitUsage   = cliflag.ExitUsage
	exitTrap    = cliflag.ExitTrap
	exitTimeout = cliflag.ExitTimeout
)

// defaultStackSize lets Go programs and test binaries built for wasip1 run
// with no flag: Go calls are wasm calls, and deep-recursion tests (such as
// encoding/asn1's and encoding/xml's) pass 1 MiB before Go's own depth
// limits stop them. It is address space until touched. (Go's own
// wasip1 runner gives wasmtime the same 8 MiB.)
const defaultStackSize = 8 << 20

type usageError struct{ error }

// exitProcess ends the process when a --timeout has not stopped the guest
// in time; tests replace it.
var exitProcess = os.Exit

// timeoutGrace is how long past --timeout the guest gets before the process
// exits without it. The store's timeout stops guest code and every WASI
// call that waits on a stream or clock (poll_oneoff, fd_read, fd_write,
// sock_*), which then ends the run through the ordinary path (exit 124,
// deferred cleanup done). What it cannot reach is a host call blocked in
// the kernel on a file: fsync or close on a hung network filesystem (a
// path_open of a FIFO waits where the timeout reaches it). For those this is
// the last resort. It is generous so that on a loaded machine it never
// overtakes the ordinary path, which takes a few milliseconds.
const timeoutGrace = time.Second

const description = `Runs MODULE (a .so from lucetc, or a .wasm compiled through the cache;
"-" reads it from standard input). Everything after MODULE is the guest's,
verbatim: lucet-run x.wasm -test.short passes -test.short on.

Without --invoke, runs _start as a WASI command with ARGS (argv[0] is the
module's name, or --argv0); it sees only the --dir directories and the
--env variables (all of the host's with --inherit-env), and inherits stdin,
stdout and stderr. --invoke NAME calls an export instead and prints its
results, one per line; ARGS are typed by its signature; write TYPE:VALUE to
be explicit (i32:-1, i64:42, f64:0.5, f32:0x7fc00001 for a bit pattern,
externref:7, externref:null, funcref:null).

--preload NAME=PATH instantiates another module first (a .wasm or .so;
repeatable) whose exports satisfy imports from module NAME; preloads may
import WASI and each other, and share memories, tables, globals and
functions with the main module.

The cache of compiled .wasm modules is $LUCET_CACHE_DIR, else
$XDG_CACHE_HOME/lucet, else ~/.cache/lucet; it is kept under
$LUCET_CACHE_MAX (default 2GiB, 0 no limit; least recently used entries
go first).
--cache-stats shows it, --cache-clean empties it.

` + cliflag.RunExitHelp

func runFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "invoke", Usage: "call the exported function `NAME` with ARGS instead of running _start"},
		&cli.StringSliceFlag{Name: "dir", Usage: "preopen host directory `HOST[::GUEST][:ro]` for the guest; :ro makes it read-only (repeatable)"},
		&cli.StringSliceFlag{Name: "dir-ro", Usage: "preopen `HOST[::GUEST]` read-only: the guest may read, never write, create or remove (repeatable)"},
		&cli.StringSliceFlag{Name: "env", Usage: "set `NAME[=VALUE]` in the guest's environment; a bare NAME passes the host's value, if it has one (repeatable)"},
		&cli.BoolFlag{Name: "inherit-env", Usage: "pass the host's whole environment to the guest (--env still sets and overrides)"},
		&cli.StringFlag{Name: "argv0", Usage: "the guest's argv[0] (default: the module's file name)"},
		&cli.StringSliceFlag{Name: "preload", Usage: "instantiate `NAME=PATH` (.wasm or .so) first; its exports satisfy imports from NAME (repeatable)"},
		&cli.BoolFlag{Name: "trap-unknown-imports", Usage: "link function imports nothing provides to a function that traps when called"},
		&cli.BoolFlag{Name: "default-values-unknown-imports", Usage: "link function imports nothing provides to a function that returns zeros"},
		&cli.DurationFlag{Name: "timeout", Usage: "stop after this long, compiling a .wasm included (0: no limit)"},
		&cli.StringFlag{Name: "max-memory", Usage: "cap on linear memory, in bytes (e.g. 64MiB; rounded down to 64 KiB pages)"},
		&cli.UintFlag{Name: "max-memory-pages", Usage: "cap on linear memory growth, in 64 KiB pages (0: 65535, the most the runtime allows)"},
		&cli.UintFlag{Name: "max-table-elements", Usage: "cap on the elements of the guest's tables together, preloads' included (0: 16777216, the most the runtime allows); past it table.grow returns -1"},
		&cli.StringFlag{Name: "stack-size", Usage: "guest stack size in bytes (e.g. 512KiB; default 8MiB, enough for Go programs)"},
		&cli.StringFlag{Name: "max-output", Usage: "cap on what the guest writes to stdout and stderr together, in bytes (e.g. 10MiB); the write that crosses it is cut short, later ones fail with EFBIG"},
		&cli.UintFlag{Name: "max-open-files", Usage: "cap on the guest's open file descriptors, stdio and --dir included, like ulimit -n; past it opens fail with EMFILE (0: 1024)"},
		&cli.Uint64Flag{Name: "fuel", Usage: "trap \"all fuel consumed\" after about `N` wasm instructions (0: no limit; a .wasm is compiled with fuel instrumentation, an object must come from lucetc --fuel)"},
		&cli.StringSliceFlag{Name: "tcplisten", Usage: "listen on TCP `ADDR` (host:port) and hand the socket to the guest after the --dir fds, for sock_accept (repeatable)"},
		&cli.StringFlag{Name: "profile", Usage: "perfmap: write /tmp/perf-PID.map so perf report names wasm functions"},
		&cli.BoolFlag{Name: "no-cache", Usage: "compile a .wasm module without the on-disk cache"},
		&cli.BoolFlag{Name: "cache-stats", Usage: "print the cache's location, entries and size, and exit"},
		&cli.BoolFlag{Name: "cache-clean", Usage: "remove every entry of the cache, and exit"},
		trustedKeysFlag,
	}
}

// runOptions are the flags that shape a run beyond the store's limits.
type runOptions struct {
	opts command.Options
	loadOptions
	perfmap bool
	invoke  string
	hasInv  bool
}

// loadOptions are the flags loadAll reads. They are its own struct, given
// to it by value, so that the closure runModule hands loadWithin (which
// escapes: it may run in a goroutine) does not take the whole runOptions
// to the heap with it: a command line with no option then makes none on
// the heap (a first use of a size class at start, a fresh span).
type loadOptions struct {
	preloads [][2]string // name, path
	noCache  bool
	trusted  [][]byte // --trusted-keys: only objects signed by one of these run
}

// run is main without the process: tests call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cl, err := splitArgs(args, runFlags)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v (see lucet-run --help)\n", err)
		return exitUsage
	}
	if cl.module == "run" && len(cl.guest) > 0 {
		// `wasmtime run x.wasm` habit: say so rather than "run: no such
		// file or directory" (a module file called run still runs).
		if _, err := os.Stat(cl.module); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "lucet-run: run: no such module; lucet-run has no run subcommand, give the module first: lucet-run [OPTIONS] %s [ARGS...] (see lucet-run --help)\n", cl.guest[0])
			return exitUsage
		}
	}
	if len(cl.flags) == 1 && cl.module != "" {
		// No option: there is nothing for urfave/cli to parse, and every
		// flag would read as its zero value (TestUnsetFlagsReadZero), so
		// the run goes straight to the module with the defaults
		// (TestDefaultOptionsAreParsed): no cli context, flag set or
		// flag look-ups, whose code and allocations were a measurable
		// part of lucet-run hello.so's start.
		cfg, ro := defaultOptions(cl)
		ro.opts.Stdin, ro.opts.Stdout, ro.opts.Stderr = stdin, stdout, stderr
		return runModule(cfg, &ro, cl.module, cl.guest, stdin, stdout, stderr)
	}
	status := exitOK
	help := &cliflag.HelpOut{W: stdout}
	// Only the flags the command line names are registered (see
	// cliflag.Used: the rest read as zero), none are even made when it
	// names none, and the version only when --version or --help can show
	// it.
	var used []cli.Flag
	every := false
	if len(cl.flags) > 1 {
		used, every = cliflag.Used(runFlags(), cl.flags)
	}
	ver := ""
	if every {
		ver = cliflag.Version()
	}
	// Without --help (or -h, or an unknown flag: every), the help flag
	// would be urfave/cli's one registered flag, and it looks up each name
	// it checks by calling every flag's Names, which runs a regular
	// expression (with a 36 KiB scratch allocation) each time.
	app := &cli.App{
		Name:                      "lucet-run",
		Usage:                     "run a WebAssembly module (.wasm, or a .so from lucetc)",
		UsageText:                 "lucet-run [OPTIONS] MODULE [ARGS...]",
		Version:                   ver,
		HideVersion:               !every,
		HideHelp:                  !every,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true, // paths may hold commas
		// Unset, cli stats os.Args[0] at every start for this date,
		// which nothing lucet-run prints shows.
		Compiled:    time.Unix(0, 0),
		Writer:      help,
		ErrWriter:   stderr,
		Description: description,
		Flags:       used,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{cliflag.ExplainValue(err, c.App.Flags)}
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.Bool("cache-stats") || c.Bool("cache-clean") {
				status = cacheCommand(c.Bool("cache-clean"), stdout, stderr)
				return nil
			}
			if cl.module == "" {
				return usageError{errors.New("no module given")}
			}
			cfg, ro, err := parseOptions(c, cl)
			var ie inputError
			if errors.As(err, &ie) {
				fmt.Fprintf(stderr, "lucet-run: %v\n", ie.error)
				status = exitError
				return nil
			}
			if err != nil {
				return err
			}
			defer func() {
				for _, s := range ro.opts.Sockets {
					s.(io.Closer).Close()
				}
			}()
			ro.opts.Stdin, ro.opts.Stdout, ro.opts.Stderr = stdin, stdout, stderr
			status = runModule(cfg, ro, cl.module, cl.guest, stdin, stdout, stderr)
			return nil
		},
	}
	cheapHelpFlag.Do(cliflag.CheapHelpFlag)
	if err := app.Run(cl.flags); err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v%s (see lucet-run --help)\n", oneLine(err), wasmtimeHint(err))
		return exitUsage
	}
	// The guest writes to stdout itself, never through help: only
	// --help and --version can fail here.
	return help.Status("lucet-run", status, stderr)
}

// wasmtimeHint points a wasmtime user's -S or -W option group (-S
// inherit-env, -W max-memory-size=N) at lucet-run's own flags, which
// spell each option out.
func wasmtimeHint(err error) string {
	switch err.Error() {
	case "flag provided but not defined: -S", "flag provided but not defined: -W":
		return "; wasmtime's -S and -W options are flags of their own here (--inherit-env, --max-memory, --max-table-elements, --timeout, --fuel, ...)"
	}
	return ""
}

// defaultOptions is what parseOptions makes of a command line that names
// no option. The guest is the process's only one, so it gets the whole
// DefaultMaxOpenFiles: left at 0, wasi would cap it at its share of the
// process's fd budget as one of many (a quarter: 192 under a hard
// RLIMIT_NOFILE of 1024).
func defaultOptions(cl cmdline) (execute.Config, runOptions) {
	cfg := execute.Config{StackSize: defaultStackSize}
	return cfg, runOptions{opts: command.Options{Args: []string{filepath.Base(cl.module)}, MaxOpenFiles: wasi.DefaultMaxOpenFiles}}
}

func parseOptions(c *cli.Context, cl cmdline) (execute.Config, *runOptions, error) {
	cfg := execute.Config{
		// Past the most the runtime allows is the most (as 0 is), not the
		// value's low 32 bits: 4294967297 was one page.
		MaxMemoryPages: uint32(min(c.Uint("max-memory-pages"), abi.MaxMemPages)),
		Fuel:           c.Uint64("fuel"),
		StackSize:      defaultStackSize,
		Timeout:        c.Duration("timeout"),
	}
	if cfg.Timeout < 0 {
		return cfg, nil, usageError{fmt.Errorf("--timeout %v: must not be negative", cfg.Timeout)}
	}
	tableElems := c.Uint("max-table-elements")
	if err := cliflag.AtMost("max-table-elements", uint64(tableElems), execute.MaxTableElems); err != nil {
		return cfg, nil, usageError{err}
	}
	cfg.MaxTableElements = uint32(tableElems)
	if v := c.String("max-memory"); v != "" {
		n, err := cliflag.ParseSize(v)
		if err != nil {
			return cfg, nil, usageError{fmt.Errorf("--max-memory %s: want a size such as 65536, 64MiB or 4GiB", v)}
		}
		pages := n / wasm.PageSize
		if pages == 0 || pages > wasm.MaxPages {
			return cfg, nil, usageError{fmt.Errorf("--max-memory %s: must be between 64KiB and 4GiB", v)}
		}
		if cfg.MaxMemoryPages == 0 || uint32(pages) < cfg.MaxMemoryPages {
			cfg.MaxMemoryPages = uint32(pages)
		}
	}
	if v := c.String("stack-size"); v != "" {
		n, err := cliflag.ParseSize(v)
		if err != nil || n < 16<<10 || n > 1<<30 {
			return cfg, nil, usageError{fmt.Errorf("--stack-size %s: want a size from 16KiB to 1GiB", v)}
		}
		cfg.StackSize = int(n)
	}
	ro := &runOptions{loadOptions: loadOptions{noCache: c.Bool("no-cache")}, invoke: c.String("invoke"), hasInv: c.IsSet("invoke")}
	keys, err := trustedKeys(c)
	if err != nil {
		return cfg, nil, err
	}
	ro.trusted = keys
	if v := c.String("max-output"); v != "" {
		n, err := cliflag.ParseSize(v)
		if err != nil || n == 0 || n > math.MaxInt64 {
			return cfg, nil, usageError{fmt.Errorf("--max-output %s: want a size such as 4096, 64KiB or 10MiB", v)}
		}
		ro.opts.MaxOutputBytes = int64(n)
	}
	switch p := c.String("profile"); p {
	case "":
	case "perfmap":
		ro.perfmap = true
	default:
		return cfg, nil, usageError{fmt.Errorf("--profile %s: the one profile is perfmap", p)}
	}
	if c.Bool("trap-unknown-imports") && c.Bool("default-values-unknown-imports") {
		return cfg, nil, usageError{errors.New("--trap-unknown-imports and --default-values-unknown-imports exclude each other")}
	}
	switch {
	case c.Bool("trap-unknown-imports"):
		ro.opts.UnknownImports = command.TrapUnknown
	case c.Bool("default-values-unknown-imports"):
		ro.opts.UnknownImports = command.DefaultUnknown
	}
	for _, d := range cl.values("dir", "dir-ro") {
		spec, readOnly := d[1], d[0] == "dir-ro"
		// A trailing :ro (or :rw, for --dir) is the access mode, as a
		// container user writes it: taken as part of the guest's path,
		// "--dir data::/data:ro" would preopen a writable "/data:ro".
		if s, ok := strings.CutSuffix(spec, ":ro"); ok {
			spec, readOnly = s, true
		} else if s, ok := strings.CutSuffix(spec, ":rw"); ok && !readOnly {
			spec = s
		}
		host, guest, ok := strings.Cut(spec, "::")
		if !ok {
			guest = host
		}
		if host == "" || guest == "" {
			return cfg, nil, usageError{fmt.Errorf("--%s %q: want HOST[::GUEST]", d[0], d[1])}
		}
		ro.opts.Preopens = append(ro.opts.Preopens, wasi.Preopen{HostPath: host, GuestPath: guest, ReadOnly: readOnly})
	}
	seen := map[string]string{}
	for _, p := range c.StringSlice("preload") {
		name, path, ok := strings.Cut(p, "=")
		if !ok || name == "" || path == "" {
			return cfg, nil, usageError{fmt.Errorf("--preload %q: want NAME=PATH", p)}
		}
		if prev, dup := seen[name]; dup {
			return cfg, nil, usageError{fmt.Errorf("--preload %s: the name is given twice (%s and %s)", name, prev, path)}
		}
		if name == wasi.ModuleName {
			return cfg, nil, usageError{fmt.Errorf("--preload %s: the name is WASI's", name)}
		}
		seen[name] = path
		ro.preloads = append(ro.preloads, [2]string{name, path})
	}
	env, err := guestEnv(c.StringSlice("env"), c.Bool("inherit-env"))
	if err != nil {
		return cfg, nil, err
	}
	ro.opts.Env = env
	for _, a := range c.StringSlice("tcplisten") {
		l, err := listenTCP(a)
		if err != nil {
			return cfg, nil, usageError{fmt.Errorf("--tcplisten %s: %v", a, err)}
		}
		ro.opts.Sockets = append(ro.opts.Sockets, l)
	}
	ro.opts.MaxOpenFiles = wasi.DefaultMaxOpenFiles
	if n := c.Uint("max-open-files"); n > 0 {
		need := 3 + len(ro.opts.Preopens) + len(ro.opts.Sockets)
		if n < uint(need) || n > math.MaxInt32 {
			for _, s := range ro.opts.Sockets {
				s.(io.Closer).Close()
			}
			if n > math.MaxInt32 {
				// Not "want at least 3", which 99999999999 is.
				return cfg, nil, usageError{fmt.Errorf("--max-open-files %d: want at most %d", n, math.MaxInt32)}
			}
			return cfg, nil, usageError{fmt.Errorf("--max-open-files %d: want at least %d (stdio, --dir and --tcplisten fds)", n, need)}
		}
		ro.opts.MaxOpenFiles = int(n)
	}
	argv0 := filepath.Base(cl.module)
	if c.IsSet("argv0") {
		argv0 = c.String("argv0")
	}
	ro.opts.Args = []string{argv0}
	return cfg, ro, nil
}

// guestEnv builds the guest's environment: the host's with inherit, then
// each --env in order, a later setting of a name replacing an earlier one.
func guestEnv(flags []string, inherit bool) ([]string, error) {
	var env []string
	at := map[string]int{}
	set := func(kv string) {
		name, _, _ := strings.Cut(kv, "=")
		if i, ok := at[name]; ok {
			env[i] = kv
			return
		}
		at[name] = len(env)
		env = append(env, kv)
	}
	if inherit {
		for _, kv := range os.Environ() {
			set(kv)
		}
	}
	for _, e := range flags {
		name, _, hasValue := strings.Cut(e, "=")
		if name == "" {
			return nil, usageError{fmt.Errorf("--env %q: want NAME[=VALUE]", e)}
		}
		if !hasValue {
			// As wasmtime: a bare name passes the host's variable
			// through, and nothing when it is unset.
			v, ok := os.LookupEnv(name)
			if !ok {
				continue
			}
			e = name + "=" + v
		}
		set(e)
	}
	return env, nil
}

func cacheCommand(clean bool, stdout, stderr io.Writer) int {
	c, err := compile.DefaultCache()
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitUsage
	}
	var s compile.Stats
	if clean {
		s, err = c.Clean()
	} else {
		s, err = c.Stats()
	}
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	limit := "no limit"
	if s.MaxBytes >= 0 {
		limit = "limit " + cliflag.FormatSize(uint64(s.MaxBytes))
	}
	verb := ""
	if clean {
		verb = "removed "
	}
	entries := "entries"
	if s.Entries == 1 {
		entries = "entry"
	}
	if _, err := fmt.Fprintf(stdout, "%s: %s%d %s, %s (%s)\n", s.Dir, verb, s.Entries, entries, cliflag.FormatSize(uint64(s.Bytes)), limit); err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	return exitOK
}

// loaded is what loadAll made: the main module and the preloads.
type loaded struct {
	main     *load.Module
	preloads []command.Preload
}

func (l *loaded) close() {
	if l.main != nil {
		l.main.Close()
	}
	for _, p := range l.preloads {
		p.Module.Close()
	}
}

// loadAll loads (compiling .wasm files through the cache) the main module
// and the preloads. Errors name the user's file. It sets compiled once a
// module needs compiling, which tells a --timeout what ran out. The cache and the
// compile options are made only when a module needs compiling: running
// objects touches none of the compiler's code.
func loadAll(ro loadOptions, path string, fuel bool, stdin io.Reader, warn func(string), compiled *atomic.Bool) (*loaded, error) {
	var c *compile.Cache
	var opts compile.Options
	made := false
	prepare := func() {
		if made {
			return
		}
		made = true
		opts = compile.DefaultOptions()
		opts.Fuel = fuel
		if !ro.noCache {
			var err error
			if c, err = compile.DefaultCache(); err != nil {
				warn(err.Error() + "; compiling without the cache")
				c = nil
			} else {
				c.Warn = warn
			}
		}
	}
	// A warm cache needs no compiling, and so not the Ps either: the
	// guest gets them back (releaseProcsForGuest).
	compileMiss := func(b []byte) (*load.Module, error) {
		releaseProcs() // code generation is parallel
		compiled.Store(true)
		if c != nil {
			return c.Compile(b, opts)
		}
		return compile.Load(b, opts, nil)
	}
	compileLoad := func(b []byte) (*load.Module, error) {
		prepare()
		if c != nil {
			if m, ok := c.Lookup(b, opts); ok {
				return m, nil
			}
		}
		return compileMiss(b)
	}
	// A file named .wasm goes to the cache before it is read: one it has
	// served before, unchanged since, is not read at all.
	cached := func() bool { prepare(); return c != nil }
	wasmFile := func(path string) (*load.Module, error) {
		m, b, err := c.LookupFile(path, opts)
		if err != nil || m != nil {
			return m, err
		}
		return compileMiss(b)
	}
	l := &loaded{}
	one := func(path string) (*load.Module, error) {
		var m *load.Module
		var err error
		name := path
		if ro.trusted != nil {
			m, err = loadSigned(path, ro.trusted)
		} else if path == "-" {
			var b []byte
			if name, b, err = cliflag.ReadInput(path, stdin, 0); err == nil {
				m, err = compileLoad(b)
			}
		} else if strings.HasSuffix(path, ".wasm") && !ro.noCache && cached() {
			m, err = wasmFile(path)
		} else {
			m, err = plainLoad(path, compileLoad)
		}
		if err != nil {
			return nil, errors.New(oneLine(cliflag.NameFile(name, err)))
		}
		return m, nil
	}
	for _, p := range ro.preloads {
		m, err := one(p[1])
		if err != nil {
			l.close()
			return nil, fmt.Errorf("--preload %s: %w", p[0], err)
		}
		l.preloads = append(l.preloads, command.Preload{Name: p[0], Module: m})
	}
	m, err := one(path)
	if err != nil {
		l.close()
		return nil, err
	}
	l.main = m
	return l, nil
}

// plainLoad loads the file at path, an object as it is and anything else
// through compileLoad.
func plainLoad(path string, compileLoad func([]byte) (*load.Module, error)) (*load.Module, error) {
	m, b, err := load.FileOrContents(path)
	if err == nil && m == nil {
		m, err = compileLoad(b)
	}
	return m, err
}

func runModule(cfg execute.Config, ro *runOptions, path string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if path == "-" && cliflag.IsTerminal(stdin) {
		fmt.Fprintf(stderr, "lucet-run: MODULE is - but %v (see lucet-run --help)\n", cliflag.ErrTerminal)
		return exitUsage
	}
	// Standard input holds one module: a second "-" read what the first
	// left, nothing, and was refused as an empty file.
	var stdinUsers []string
	for _, p := range ro.preloads {
		if p[1] == "-" {
			stdinUsers = append(stdinUsers, "--preload "+p[0])
		}
	}
	if path == "-" {
		stdinUsers = append(stdinUsers, "MODULE")
	}
	if len(stdinUsers) > 1 {
		fmt.Fprintf(stderr, "lucet-run: standard input (-) holds one module, given for %s (see lucet-run --help)\n", strings.Join(stdinUsers, " and "))
		return exitUsage
	}
	if err := checkPreopens(ro.opts.Preopens); err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	}
	start := time.Now()
	warn := func(msg string) { fmt.Fprintf(stderr, "lucet-run: warning: %s\n", msg) }
	lo, fuel := ro.loadOptions, cfg.Fuel > 0
	// Loading an object, or a .wasm the cache holds, compiles nothing:
	// a timeout then must not say "compiling".
	var compiled atomic.Bool
	loading := func() string {
		if compiled.Load() {
			return "compiling"
		}
		return "loading"
	}
	l, err := loadWithin(cfg.Timeout, func() (*loaded, error) { return loadAll(lo, path, fuel, stdin, warn, &compiled) })
	if errors.Is(err, errLoadTimeout) {
		fmt.Fprintf(stderr, "lucet-run: timeout: %s: %s took longer than --timeout %v\n", path, loading(), cfg.Timeout)
		return exitTimeout
	}
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %s\n", oneLine(err))
		return exitError
	}
	if !exiting {
		defer l.close()
	}
	if cfg.Timeout > 0 {
		// The time loading and compiling took counts.
		if cfg.Timeout -= time.Since(start); cfg.Timeout <= 0 {
			fmt.Fprintf(stderr, "lucet-run: timeout: %s: %s took longer than --timeout\n", path, loading())
			return exitTimeout
		}
	}
	if ro.perfmap {
		mods := map[string]*load.Module{filepath.Base(path): l.main}
		for _, p := range l.preloads {
			mods[p.Name] = p.Module
		}
		if _, err := command.CreatePerfMap(mods); err != nil {
			warn(err.Error())
		}
	}
	store, err := execute.NewStore(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "lucet-run: %v\n", oneLine(err))
		return exitError
	}
	if !exiting {
		defer store.Close()
	}
	if cfg.Timeout > 0 {
		// See timeoutGrace: the last resort for a host call blocked in
		// the kernel, where the store's timeout cannot reach.
		timeout := cfg.Timeout // a copy: cfg stays on the stack
		t := time.AfterFunc(timeout+timeoutGrace, func() {
			fmt.Fprintf(stderr, "lucet-run: timeout: the guest ran out of time (%v) inside a host call that could not be interrupted\n", timeout)
			exitProcess(exitTimeout)
		})
		defer t.Stop()
	}

	opts := ro.opts
	opts.Preloads = l.preloads
	if !ro.hasInv {
		opts.Args = append(opts.Args, args...)
	}
	// An export of a WASI module gets WASI too (as with wasmtime
	// --invoke), set up from the same flags, argv[0] alone.
	releaseProcsForGuest() // guest code runs from here on, the start function included
	inst, err := command.Instantiate(store, l.main, opts)
	if err != nil {
		return report(stderr, path, "instantiating", err)
	}
	defer func() {
		if inst.OutputLimited() {
			warn(fmt.Sprintf("the guest's output was cut at --max-output (%d bytes)", opts.MaxOutputBytes))
		}
		inst.Close()
	}()
	if !ro.hasInv {
		code, err := inst.Run("")
		if err != nil {
			return report(stderr, path, "running", err)
		}
		return cliflag.GuestStatus("lucet-run", stderr, code)
	}
	res, err := command.Invoke(inst.Instance, ro.invoke, args)
	if err != nil {
		return report(stderr, path, "running", err)
	}
	for _, r := range res {
		// The results are lucet-run's output: not writing them is a
		// failure, not a success.
		if _, err := fmt.Fprintln(stdout, r); err != nil {
			fmt.Fprintf(stderr, "lucet-run: %v\n", err)
			return exitError
		}
	}
	return exitOK
}

// checkPreopens refuses a --dir that is not a directory this process can
// open, naming the flag, before anything is loaded.
func checkPreopens(ps []wasi.Preopen) error {
	for _, p := range ps {
		flag := "--dir"
		if p.ReadOnly {
			flag = "--dir-ro"
		}
		// O_NONBLOCK: a FIFO given as the directory would otherwise
		// block the open until something writes to it.
		f, err := os.OpenFile(p.HostPath, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return fmt.Errorf("%s %s: %v", flag, p.HostPath, cliflag.UnwrapPath(err))
		}
		st, err := f.Stat()
		f.Close()
		if err != nil {
			return fmt.Errorf("%s %s: %v", flag, p.HostPath, cliflag.UnwrapPath(err))
		}
		if !st.IsDir() {
			return fmt.Errorf("%s %s: not a directory", flag, p.HostPath)
		}
	}
	return nil
}

var errLoadTimeout = errors.New("timeout")

// loadWithin runs load, giving up after timeout (0: none). Compiling
// cannot be interrupted, so on a timeout it is left to finish in the
// background: the process is about to exit. Nothing it writes is left
// half-done (the cache writes temporary files and renames them).
func loadWithin(timeout time.Duration, load func() (*loaded, error)) (*loaded, error) {
	if timeout <= 0 {
		return load()
	}
	type result struct {
		l   *loaded
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := load()
		done <- result{l, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.l, r.err
	case <-t.C:
		go func() { // close what the abandoned load makes, in tests
			if r := <-done; r.l != nil {
				r.l.close()
			}
		}()
		return nil, errLoadTimeout
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// report prints a runtime error and picks the exit status; stage says
// what ran out of time on a timeout (instantiating: the start function,
// or the initialisation that precedes it).
func report(stderr io.Writer, path, stage string, err error) int {
	var exit *wasi.ExitError
	var setup *command.LinkSetupError
	var link *execute.LinkError
	switch {
	case errors.As(err, &exit): // proc_exit from an --invoke'd or start function
		return cliflag.GuestStatus("lucet-run", stderr, int(exit.Code))
	case command.IsTimeout(err):
		fmt.Fprintf(stderr, "lucet-run: timeout: the guest ran out of time while %s\n%v\n", stage, err)
		return exitTimeout
	case command.IsTrap(err):
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitTrap
	case command.IsArgError(err):
		fmt.Fprintf(stderr, "lucet-run: --invoke: %v\n", err)
		return exitUsage
	case errors.As(err, &setup):
		fmt.Fprintf(stderr, "lucet-run: %v\n", err)
		return exitError
	case errors.As(err, &link) && link.Reason == "unknown import":
		fmt.Fprintf(stderr, "lucet-run: %s: %v (provide module %q with --preload %s=PATH, or see --trap-unknown-imports)\n", path, err, link.Module, wasm.Printable(link.Module))
		return exitError
	}
	msg := oneLine(err)
	if !strings.Contains(msg, path) {
		msg = path + ": " + msg
	}
	fmt.Fprintf(stderr, "lucet-run: %s\n", msg)
	return exitError
}
