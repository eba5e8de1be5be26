// Command lucet-bench measures how fast a compiled module instantiates and
// how much memory each live instance costs: the edge-cloud numbers (a fresh
// instance per request, thousands side by side).
//
// In: a .so from lucetc (or a .wasm, compiled first; "-": stdin). Out: instantiation
// and teardown times, the rate, and for each --live K the growth per live
// instance of RSS, address space, mappings and Go heap, as text or, with
// --json, as one JSON object with the field names of `peerbench inst`
// (../shared/peers). The measuring is pkg/bench; this command parses flags
// and prints. Exit status, as every tool's (internal/cliflag): 0, even
// when calls trap (they are counted); 1 when the module is refused
// (unreadable, invalid, failed to compile or load) or the host failed (an
// instance could not be made, a host error); 2 for a usage error. The run
// subcommand exits with the guest's status (1 past 255), 134 when it traps.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/pkg/bench"
	"github.com/lucet-go/lucet/pkg/execute"
)

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }

// usageError is a bad command line: exit status 2.
type usageError struct{ error }

// onUsageError makes urfave/cli's flag parsing errors usage errors.
// (A subcommand's context has its own flags in Command; the global ones
// in App.)
func onUsageError(c *cli.Context, err error, _ bool) error {
	var sub []cli.Flag
	if c.Command != nil {
		sub = c.Command.Flags
	}
	return usageError{cliflag.ExplainValue(err, c.App.Flags, sub)}
}

// exitHelp is the exit-status paragraph of --help.
const exitHelp = cliflag.ExitHelp + ".\n" +
	"1 also when the host fails (an instance cannot be made). Calls that\n" +
	"trap (--call, --run) are counted, not errors. The run subcommand exits\n" +
	"with the guest's status (1 past 255), 134 when it traps."

func flags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "instances", Aliases: []string{"n"}, Value: 10000, Usage: "instantiations to time"},
		&cli.IntFlag{Name: "warmup", Value: 100, Usage: "untimed instantiations first"},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"p"}, Value: 1, Usage: "goroutines sharing the timed instantiations"},
		&cli.BoolFlag{Name: "keep", Usage: "hold all --instances alive, then measure their memory and time their teardown"},
		&cli.StringFlag{Name: "live", Value: "1000,10000", Usage: "comma-separated counts `K` of instances kept alive at once for the memory figures ('' for none)"},
		&cli.StringFlag{Name: "call", Aliases: []string{"invoke"}, Usage: "call this export (no parameters) on each instance, timed separately, and on every live instance while all are alive; traps are counted by code", DefaultText: "none"},
		&cli.BoolFlag{Name: "run", Usage: "the same as --call _start"},
		&cli.StringFlag{Name: "layout", Value: "guard", Usage: "region layout: guard (guard pages, fastest) or dense (explicit bounds checks, most instances per process)"},
		&cli.StringFlag{Name: "max-memory", Usage: "linear memory limit per instance (e.g. 16MiB; default: dense 16MiB, guard 4GiB)"},
		&cli.UintFlag{Name: "max-table-elements", Usage: "cap on the elements of an instance's tables together (0: 16777216, the most the runtime allows); past it table.grow returns -1"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object (peerbench inst's field names) instead of text"},
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	help := &cliflag.HelpOut{W: stdout}
	return help.Status("lucet-bench", runApp(args, stdin, stdout, stderr, help), stderr)
}

func runApp(args []string, stdin io.Reader, stdout, stderr io.Writer, help io.Writer) int {
	status := 0
	app := &cli.App{
		Name:      "lucet-bench",
		Version:   cliflag.Version(),
		Usage:     "instantiation speed and memory per instance of a compiled module",
		ArgsUsage: "MODULE",
		Description: "Instantiates MODULE (a .so from lucetc, or a .wasm compiled first, not\n" +
			"cached; \"-\" reads it from standard input) --instances times (timed),\n" +
			"holds --live K of them alive at once (memory per instance), and with\n" +
			"--call calls an export on each.\n\n" + exitHelp,
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Writer:          help,
		ErrWriter:       stderr,
		Flags:           flags(),
		ExitErrHandler:  func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:         "run",
				Usage:        "compile, instantiate and run _start once under WASI; time each stage",
				ArgsUsage:    "MODULE [ARGS...]",
				OnUsageError: onUsageError,
				Action: func(c *cli.Context) error {
					if c.NArg() < 1 {
						return usageError{errors.New("run: want a module")}
					}
					if err := cliflag.CheckPaths(c.Args().First()); err != nil {
						return usageError{fmt.Errorf("run: %w", err)}
					}
					name, b, err := cliflag.ReadInput(c.Args().First(), stdin, 0)
					if err != nil {
						return err
					}
					r, err := bench.RunOnceBytes(name, b, c.Args().Slice(), stdin, stdout, stderr)
					var trap *execute.Trap
					if errors.As(err, &trap) {
						status = cliflag.ExitTrap
					}
					if err != nil {
						return cliflag.NameFile(name, err)
					}
					peerLine(stderr, r)
					status = cliflag.GuestStatus("lucet-bench", stderr, r.ExitCode)
					return nil
				},
			},
			{
				Name:         "compile",
				Usage:        "compile a .wasm module --reps times; report wall and CPU time",
				ArgsUsage:    "MODULE.wasm",
				Flags:        []cli.Flag{&cli.IntFlag{Name: "reps", Value: 5, Usage: "compilations to time"}},
				OnUsageError: onUsageError,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usageError{errors.New("compile: want one module")}
					}
					if err := cliflag.CheckPaths(c.Args().First()); err != nil {
						return usageError{fmt.Errorf("compile: %w", err)}
					}
					if c.Int("reps") <= 0 {
						return usageError{fmt.Errorf("compile: --reps %d: must be positive", c.Int("reps"))}
					}
					name, b, err := cliflag.ReadInput(c.Args().First(), stdin, 0)
					if err != nil {
						return err
					}
					r, err := bench.CompileBytes(name, b, c.Int("reps"))
					if err != nil {
						return cliflag.NameFile(name, err)
					}
					fmt.Fprintf(stdout, "compile %s (%s): median %.1f ms wall, %.1f ms CPU, %.1f MB/s\n",
						r.Wasm, humanize.IBytes(uint64(r.WasmBytes)), r.Ms.Median, r.CPUMs.Median, r.MBps)
					peerLine(stderr, r)
					return nil
				},
			},
		},
		Action: func(c *cli.Context) error {
			opts, err := options(c)
			if err != nil {
				return usageError{err}
			}
			if c.NArg() != 1 {
				return usageError{errors.New("want exactly one module")}
			}
			if err := cliflag.CheckPaths(c.Args().First()); err != nil {
				return usageError{err}
			}
			status, err = inst(c.Args().First(), stdin, opts, c.Bool("json"), stdout, stderr)
			return err
		},
	}
	if len(args) > 1 && args[1] != "run" && args[1] != "compile" {
		args = cliflag.Permute(args, flags())
	}
	if err := app.Run(args); err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "lucet-bench: %s (see lucet-bench --help)\n", msg)
			return cliflag.ExitUsage
		}
		fmt.Fprintf(stderr, "lucet-bench: %s\n", msg)
		if status == cliflag.ExitTrap {
			return status
		}
		return cliflag.ExitRefused
	}
	return status
}

// options turns the command line into bench.Options.
func options(c *cli.Context) (bench.Options, error) {
	o := bench.Options{
		Instances: c.Int("instances"),
		Warmup:    c.Int("warmup"),
		Parallel:  c.Int("parallel"),
		Keep:      c.Bool("keep"),
		Call:      c.String("call"),
	}
	if o.Instances <= 0 {
		return o, errors.New("--instances must be positive")
	}
	if o.Warmup < 0 {
		return o, errors.New("--warmup must not be negative")
	}
	if o.Parallel <= 0 {
		return o, errors.New("--parallel must be positive")
	}
	if c.Bool("run") {
		if o.Call != "" && o.Call != "_start" {
			return o, errors.New("--run is --call _start; give one of them")
		}
		o.Call = "_start"
	}
	for _, f := range strings.Split(c.String("live"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		k, err := strconv.Atoi(f)
		if err != nil || k <= 0 {
			return o, fmt.Errorf("--live: bad count %q", f)
		}
		o.Live = append(o.Live, k)
	}
	var err error
	if o.Layout, err = api.ParseLayout(c.String("layout")); err != nil {
		return o, fmt.Errorf("--layout: %w", err)
	}
	if s := c.String("max-memory"); s != "" {
		if o.MaxMemory, err = cliflag.ParseSize(s); err != nil {
			return o, fmt.Errorf("--max-memory %s: want a size such as 1MiB or 16MiB", s)
		}
		// A bad value is a usage error (exit 2), as in lucet-run, not the
		// pool's refusal of the module (exit 1).
		if o.MaxMemory%(64<<10) != 0 || o.MaxMemory > 4<<30 {
			return o, fmt.Errorf("--max-memory %s: want a multiple of 64KiB, at most 4GiB", s)
		}
	}
	tableElems := c.Uint("max-table-elements")
	if err := cliflag.AtMost("max-table-elements", uint64(tableElems), execute.MaxTableElems); err != nil {
		return o, err
	}
	o.MaxTableElements = uint32(tableElems)
	return o, nil
}

// inst is the instantiation benchmark of the module at path ("-": stdin).
func inst(path string, stdin io.Reader, opts bench.Options, asJSON bool, stdout, stderr io.Writer) (int, error) {
	opts.Args = []string{strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
	var mod *bench.Module
	var err error
	if path == "-" {
		// A file is mapped, not read (bench.Load); standard input can
		// only be read.
		var b []byte
		if path, b, err = cliflag.ReadInput(path, stdin, 0); err != nil {
			return cliflag.ExitRefused, err
		}
		mod, err = bench.LoadBytes(b, opts.Layout)
	} else {
		mod, err = bench.Load(path, opts.Layout)
	}
	if err != nil {
		return cliflag.ExitRefused, cliflag.NameFile(path, err)
	}
	defer mod.Close()
	if cliflag.IsTerminal(stderr) {
		opts.Progress = &bench.Progress{}
		stop := showProgress(stderr.(*os.File), opts.Progress)
		defer stop()
	}
	res, err := bench.Run(mod, path, opts)
	if opts.Progress != nil {
		clearProgress(stderr)
	}
	if res != nil {
		if asJSON {
			j, _ := json.Marshal(res)
			fmt.Fprintf(stdout, "%s\n", j)
		} else {
			bench.WriteText(stdout, res)
			peerLine(stderr, res)
		}
	}
	if err != nil {
		return cliflag.ExitRefused, cliflag.NameFile(path, err)
	}
	return cliflag.ExitOK, nil
}

// peerLine is the line ../shared/peers' suite reads from stderr.
func peerLine(w io.Writer, v any) {
	j, _ := json.Marshal(v)
	fmt.Fprintf(w, "PEERBENCH %s\n", j)
}
