package bench

import (
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
)

// RunResult is peerbench run's record: one start of a WASI command, each
// stage timed.
type RunResult struct {
	Cmd       string  `json:"cmd"`
	Engine    string  `json:"engine"`
	Wasm      string  `json:"wasm"`
	CompileMs float64 `json:"compile_ms"`
	// CompileCPUMs is the process's CPU time (user+system, all threads)
	// until the module is ready, the collection of the compiler's garbage
	// included: peerbench run's field, which scripts/peerlib.py subtracts
	// from the process's CPU time to leave the run's.
	CompileCPUMs float64 `json:"compile_cpu_ms"`
	InstMs       float64 `json:"instantiate_ms"`
	RunMs        float64 `json:"run_ms"`
	ExitCode     int     `json:"exit_code"`
}

// RunOnce compiles (or loads) the module at path, instantiates it under
// WASI with argv args and the host's stdio as given, and runs _start.
// The guest's exit status is in the result; a trap is an error.
func RunOnce(path string, args []string, stdin io.Reader, stdout, stderr io.Writer) (*RunResult, error) {
	b, err := sniff.ReadFile(path, 0) // a FIFO or /dev/zero ends too
	if err != nil {
		return nil, err
	}
	return RunOnceBytes(path, b, args, stdin, stdout, stderr)
}

// RunOnceBytes is RunOnce for a module already read (from standard input,
// say); name is what the result calls it.
func RunOnceBytes(name string, b []byte, args []string, stdin io.Reader, stdout, stderr io.Writer) (*RunResult, error) {
	r := &RunResult{Cmd: "run", Engine: "lucet", Wasm: name}
	c0, t0 := cpuTime(), time.Now()
	mod, err := compile.Load(b, compile.DefaultOptions(), nil)
	if err != nil {
		return nil, err
	}
	defer mod.Close()
	// Compiling a large module leaves hundreds of MB of garbage and often
	// a collection under way, whose mark workers would run on the cores
	// the guest leaves idle and whose scavenger would hand the freed heap
	// back to the kernel, both during the run and in its process CPU
	// time, by however much of the cycle the compilation happened to
	// leave over (brotli: 2.2 s of compile CPU, 0.4 s of run). Collected
	// and returned here, counted with the compilation, the run is the
	// guest's alone.
	debug.FreeOSMemory()
	r.CompileMs, r.CompileCPUMs = msSince(t0), float64(cpuTime()-c0)/1e6
	t1 := time.Now()
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	inst, err := command.Instantiate(st, mod, command.Options{Args: args, Stdin: stdin, Stdout: stdout, Stderr: stderr})
	if err != nil {
		return nil, err
	}
	defer inst.Close()
	r.InstMs = msSince(t1)
	t2 := time.Now()
	r.ExitCode, err = inst.Run("")
	r.RunMs = msSince(t2)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CompileResult is peerbench compile's record.
type CompileResult struct {
	Cmd       string  `json:"cmd"`
	Engine    string  `json:"engine"`
	Wasm      string  `json:"wasm"`
	WasmBytes int     `json:"wasm_bytes"`
	FirstMs   float64 `json:"first_ms"`
	Ms        Summary `json:"compile_ms"`
	CPUMs     Summary `json:"compile_cpu_ms"`
	MBps      float64 `json:"mb_per_s"`
}

// Compile compiles the .wasm module at path reps times (nothing is cached
// between them) and times each: wall and CPU (user+system, so parallel
// compilation shows). Summaries are in milliseconds.
func Compile(path string, reps int) (*CompileResult, error) {
	if reps <= 0 {
		return nil, fmt.Errorf("compile: %d repetitions", reps)
	}
	b, err := sniff.ReadFile(path, 0) // a FIFO or /dev/zero ends too
	if err != nil {
		return nil, err
	}
	return CompileBytes(path, b, reps)
}

// CompileBytes is Compile for a module already read; name is what the
// result calls it.
func CompileBytes(name string, b []byte, reps int) (*CompileResult, error) {
	if reps <= 0 {
		return nil, fmt.Errorf("compile: %d repetitions", reps)
	}
	var wall, cpu []time.Duration
	for i := 0; i < reps; i++ {
		c0 := cpuTime()
		t0 := time.Now()
		if _, err := compile.Wasm(b, compile.DefaultOptions()); err != nil {
			return nil, err
		}
		wall = append(wall, time.Since(t0))
		cpu = append(cpu, cpuTime()-c0)
	}
	r := &CompileResult{Cmd: "compile", Engine: "lucet", Wasm: name, WasmBytes: len(b), FirstMs: float64(wall[0]) / 1e6}
	// Summarize works in µs; the compile record is in ms.
	r.Ms, r.CPUMs = toMs(Summarize(slices.Clone(wall))), toMs(Summarize(cpu))
	r.MBps = float64(len(b)) / 1e3 / r.Ms.Median
	return r, nil
}

func toMs(s Summary) Summary {
	for _, p := range []*float64{&s.Min, &s.Median, &s.Mean, &s.P90, &s.P99, &s.Max} {
		*p /= 1e3
	}
	return s
}

func msSince(t time.Time) float64 { return float64(time.Since(t)) / 1e6 }

// cpuTime is the process's user+system time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
