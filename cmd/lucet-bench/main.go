// Command lucet-bench measures how fast a compiled module instantiates and
// how much memory each live instance costs: the edge-cloud numbers (a fresh
// instance per request, thousands side by side).
//
// In: a .so from lucetc (or a .wasm, compiled first). Out: instantiation
// time (median, p99) and rate, then for each --live K the growth per live
// instance of RSS, address space, memory mappings and Go heap; the last line
// on stderr is `PEERBENCH {json}`, the format of ../shared/peers, so the
// numbers sit beside wazero's and wasmtime's.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
)

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	status := 0
	app := &cli.App{
		Name:            "lucet-bench",
		Version:         cliflag.Version(),
		Usage:           "instantiation speed and memory per instance of a compiled module",
		ArgsUsage:       "MODULE.so",
		HideHelpCommand: true,
		Writer:          stdout,
		ErrWriter:       stderr,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "instances", Aliases: []string{"n"}, Value: 10000, Usage: "instantiations to time, one live at a time"},
			&cli.IntFlag{Name: "warmup", Value: 100, Usage: "untimed instantiations first"},
			&cli.StringFlag{Name: "live", Value: "1000,10000", Usage: "comma-separated counts `K` of instances kept alive at once for the memory figures ('' for none)"},
			&cli.StringFlag{Name: "call", Usage: "also call this nullary export (e.g. _start) on each instance, timed separately"},
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:      "run",
				Usage:     "compile, instantiate and run _start once under WASI; time each stage",
				ArgsUsage: "MODULE [ARGS...]",
				Action: func(c *cli.Context) error {
					if c.NArg() < 1 {
						return errors.New("run: want a module")
					}
					var err error
					status, err = benchRun(c.Args().First(), c.Args().Slice(), stdout, stderr)
					return err
				},
			},
			{
				Name:      "compile",
				Usage:     "compile a .wasm module --reps times; report wall and CPU time",
				ArgsUsage: "MODULE.wasm",
				Flags:     []cli.Flag{&cli.IntFlag{Name: "reps", Value: 5}},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return errors.New("compile: want one module")
					}
					return benchCompile(c.Args().First(), c.Int("reps"), stdout, stderr)
				},
			},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return errors.New("want exactly one module")
			}
			var live []int
			for _, f := range strings.Split(c.String("live"), ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				k, err := strconv.Atoi(f)
				if err != nil || k <= 0 {
					return fmt.Errorf("--live: bad count %q", f)
				}
				live = append(live, k)
			}
			if c.Int("instances") <= 0 {
				return errors.New("--instances must be positive")
			}
			var err error
			status, err = bench(c.Args().First(), c.Int("instances"), c.Int("warmup"), live, c.String("call"), stdout, stderr)
			return err
		},
	}
	if err := app.Run(args); err != nil {
		fmt.Fprintf(stderr, "lucet-bench: %v\n", err)
		return 2
	}
	return status
}

// instance is one live instance with everything it owns.
type instance struct {
	store *execute.Store
	sys   *wasi.System
}

func (in *instance) close() {
	in.store.Close()
	in.sys.Close()
}

func newInstance(mod *load.Module) (*instance, *execute.Instance, error) {
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		return nil, nil, err
	}
	sys, imports, err := command.Link(st, command.Options{Args: []string{"bench"}, Stdout: io.Discard, Stderr: io.Discard, Stdin: strings.NewReader("")})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	inst, err := st.Instantiate(mod, imports)
	if err != nil {
		st.Close()
		sys.Close()
		return nil, nil, err
	}
	return &instance{store: st, sys: sys}, inst, nil
}

type stats struct {
	Median float64 `json:"median"`
	P99    float64 `json:"p99"`
	Min    float64 `json:"min"`
}

func summarize(d []time.Duration) stats {
	slices.Sort(d)
	us := func(x time.Duration) float64 { return float64(x.Nanoseconds()) / 1e3 }
	return stats{Median: us(d[len(d)/2]), P99: us(d[len(d)*99/100]), Min: us(d[0])}
}

type liveResult struct {
	K                  int     `json:"k"`
	RSSKiBPerInst      float64 `json:"rss_kib_per_inst"`
	VMKiBPerInst       float64 `json:"vm_kib_per_inst"`
	MapsPerInst        float64 `json:"maps_per_inst"`
	GoHeapBytesPerInst float64 `json:"go_heap_bytes_per_inst"`
	RSSAfterCloseKiB   float64 `json:"rss_after_close_kib"`
}

func bench(path string, n, warmup int, live []int, call string, stdout, stderr io.Writer) (int, error) {
	mod, err := loadModule(path)
	if err != nil {
		return 1, err
	}
	defer mod.Close()

	for i := 0; i < warmup; i++ {
		in, _, err := newInstance(mod)
		if err != nil {
			return 1, err
		}
		in.close()
	}
	times := make([]time.Duration, 0, n)
	var calls []time.Duration
	start := time.Now()
	for i := 0; i < n; i++ {
		t0 := time.Now()
		in, inst, err := newInstance(mod)
		if err != nil {
			return 1, err
		}
		times = append(times, time.Since(t0))
		if call != "" {
			f := inst.Func(call)
			if f == nil {
				in.close()
				return 1, fmt.Errorf("module exports no function %q", call)
			}
			t1 := time.Now()
			if _, err := f.Call(); err != nil {
				var exit *wasi.ExitError
				if !errors.As(err, &exit) {
					in.close()
					return 1, fmt.Errorf("call %s: %w", call, err)
				}
			}
			calls = append(calls, time.Since(t1))
		}
		in.close()
	}
	total := time.Since(start)
	inst := summarize(times)
	rate := float64(n) / total.Seconds()
	fmt.Fprintf(stdout, "instantiate: median %.1f µs, p99 %.1f µs, min %.1f µs; %s instances/s (create+close, %d runs)\n",
		inst.Median, inst.P99, inst.Min, humanize.Commaf(float64(int64(rate))), n)
	rec := map[string]any{"engine": "lucet", "module": path, "instantiate_us": inst, "instances_per_s": rate}
	if call != "" {
		cs := summarize(calls)
		fmt.Fprintf(stdout, "call %s: median %.1f µs, p99 %.1f µs\n", call, cs.Median, cs.P99)
		rec["call_us"] = cs
	}

	var lives []liveResult
	for _, k := range live {
		r, err := measureLive(mod, k)
		if err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "live %d: %.1f KiB RSS, %s address space, %.1f mappings, %s Go heap per instance; RSS after close %s\n",
			k, r.RSSKiBPerInst, humanize.IBytes(uint64(r.VMKiBPerInst*1024)), r.MapsPerInst,
			humanize.IBytes(uint64(r.GoHeapBytesPerInst)), humanize.IBytes(uint64(r.RSSAfterCloseKiB*1024)))
		lives = append(lives, r)
	}
	rec["live"] = lives
	j, _ := json.Marshal(rec)
	fmt.Fprintf(stderr, "PEERBENCH %s\n", j)
	return 0, nil
}

func measureLive(mod *load.Module, k int) (liveResult, error) {
	runtime.GC()
	debug.FreeOSMemory()
	before := procStatus()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	ins := make([]*instance, 0, k)
	defer func() {
		for _, in := range ins {
			in.close()
		}
	}()
	for i := 0; i < k; i++ {
		in, _, err := newInstance(mod)
		if err != nil {
			return liveResult{}, fmt.Errorf("live instance %d of %d: %w", i+1, k, err)
		}
		ins = append(ins, in)
	}
	runtime.GC()
	after := procStatus()
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	for _, in := range ins {
		in.close()
	}
	ins = nil
	runtime.GC()
	debug.FreeOSMemory()
	closed := procStatus()
	fk := float64(k)
	return liveResult{
		K:                  k,
		RSSKiBPerInst:      float64(after.rssKiB-before.rssKiB) / fk,
		VMKiBPerInst:       float64(after.vmKiB-before.vmKiB) / fk,
		MapsPerInst:        float64(after.maps-before.maps) / fk,
		GoHeapBytesPerInst: (float64(ms1.HeapAlloc) - float64(ms0.HeapAlloc)) / fk,
		RSSAfterCloseKiB:   float64(closed.rssKiB),
	}, nil
}

type status struct{ rssKiB, vmKiB, maps int64 }

// procStatus reads the process's RSS and address space from
// /proc/self/status and counts its mappings in /proc/self/maps.
func procStatus() status {
	var s status
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			v, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "VmRSS:":
				s.rssKiB = v
			case "VmSize:":
				s.vmKiB = v
			}
		}
	}
	if b, err := os.ReadFile("/proc/self/maps"); err == nil {
		s.maps = int64(bytes.Count(b, []byte{'\n'}))
	}
	return s
}

// benchRun is peerbench's `run`: guest stdout passes through; the times go
// to stderr as a PEERBENCH line.
func benchRun(path string, args []string, stdout, stderr io.Writer) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 1, err
	}
	t0 := time.Now()
	mod, err := compile.Load(b, codegen.Default(), nil)
	if err != nil {
		return 1, err
	}
	defer mod.Close()
	compileMs := msSince(t0)
	t1 := time.Now()
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		return 1, err
	}
	defer st.Close()
	sys, imports, err := command.Link(st, command.Options{Args: args, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return 1, err
	}
	defer sys.Close()
	inst, err := st.Instantiate(mod, imports)
	if err != nil {
		return 1, err
	}
	instMs := msSince(t1)
	f := inst.Func("_start")
	if f == nil {
		return 1, errors.New("module exports no _start")
	}
	t2 := time.Now()
	_, err = f.Call()
	runMs := msSince(t2)
	code := 0
	if err != nil {
		var exit *wasi.ExitError
		if !errors.As(err, &exit) {
			return 1, err
		}
		code = int(exit.Code)
	}
	j, _ := json.Marshal(map[string]any{"engine": "lucet", "compile_ms": compileMs, "instantiate_ms": instMs, "run_ms": runMs, "exit": code})
	fmt.Fprintf(stderr, "PEERBENCH %s\n", j)
	return code, nil
}

// benchCompile is peerbench's `compile`. Each repetition compiles the same
// bytes: nothing is cached between them.
func benchCompile(path string, reps int, stdout, stderr io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var wall, cpu []float64
	for i := 0; i < reps; i++ {
		c0 := cpuTime()
		t0 := time.Now()
		if _, err := compile.Wasm(b, codegen.Default()); err != nil {
			return err
		}
		wall = append(wall, msSince(t0))
		cpu = append(cpu, float64(cpuTime()-c0)/1e6)
	}
	first := wall[0]
	slices.Sort(wall)
	slices.Sort(cpu)
	med := wall[len(wall)/2]
	fmt.Fprintf(stdout, "compile %s (%s): median %.1f ms wall, %.1f ms CPU, %.1f MB/s\n",
		path, humanize.IBytes(uint64(len(b))), med, cpu[len(cpu)/2], float64(len(b))/1e3/med)
	j, _ := json.Marshal(map[string]any{
		"engine":         "lucet",
		"compile_ms":     map[string]float64{"median": med, "min": wall[0], "max": wall[len(wall)-1]},
		"compile_cpu_ms": map[string]float64{"median": cpu[len(cpu)/2]},
		"first_ms":       first,
	})
	fmt.Fprintf(stderr, "PEERBENCH %s\n", j)
	return nil
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }

// cpuTime is the process's user+system time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func loadModule(path string) (*load.Module, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return compile.Load(b, codegen.Default(), nil)
}
