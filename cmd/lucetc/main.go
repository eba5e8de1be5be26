// Command lucetc compiles a WebAssembly module ahead of time to an x86-64
// ELF shared object that the lucet runtime loads.
//
// Usage: lucetc [options] module.wasm [-o module.so]
//
// The pipeline is decode → validate → codegen → link. Input "-" reads
// standard input; with no -o the object goes to standard output when that
// is not a terminal. Output files are written to a temporary file in the
// target directory and renamed into place, so a failed or interrupted
// compile never leaves a half-written object. Compiling is package
// compile's ELF, the entry lucet-run's cache uses: the same bytes either
// way. Exit status: as every tool (internal/cliflag): 0, 1 an input refused
// or the output not written, 2 usage.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/internal/heapfloor"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/sign"
)

func main() {
	// A compile allocates several times what it keeps (gobig: ~100 MB);
	// collecting while the heap is below this floor cost ~10% of its CPU.
	heapfloor.Raise(64 << 20)
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// usageError is a bad command line (exit 2); moduleError an unreadable or
// invalid module or a compile failure (exit 1), as is any other error (the
// output could not be written).
type usageError struct{ error }
type moduleError struct{ error }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	help := &cliflag.HelpOut{W: stdout}
	return help.Status("lucetc", runApp(args, stdin, stdout, stderr, help), stderr)
}

func runApp(args []string, stdin io.Reader, stdout, stderr io.Writer, help io.Writer) int {
	flags := cliFlags()
	app := &cli.App{
		Name:      "lucetc",
		Usage:     "compile a WebAssembly module to a native shared object",
		UsageText: "lucetc [OPTIONS] MODULE.wasm [-o MODULE.so]",
		Version:   cliflag.Version(),
		Description: "Compiles MODULE (\"-\": standard input, never a terminal) through the same\n" +
			"pipeline as lucet-run's cache: decode, validate, codegen, link. With no -o\n" +
			"the object goes to standard output, which must not be a terminal. Output\n" +
			"files are written to a temporary file and renamed into place.\n\n" + cliflag.ExitHelp + ".",
		Flags:           flags,
		Writer:          help,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{cliflag.ExplainValue(err, c.App.Flags)}
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			return compileCmd(c, stdin, stdout, stderr)
		},
	}
	err := app.Run(cliflag.Permute(args, flags))
	var ue usageError
	var me moduleError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "lucetc: %v (see lucetc --help)\n", oneLine(ue.error))
		return cliflag.ExitUsage
	case errors.As(err, &me):
		fmt.Fprintf(stderr, "lucetc: %v\n", oneLine(me.error))
		return cliflag.ExitRefused
	default:
		fmt.Fprintf(stderr, "lucetc: %v\n", oneLine(err))
		return cliflag.ExitRefused
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

func cliFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the object to `FILE` (\"-\": standard output)"},
		&cli.StringFlag{Name: "emit", Value: "so", Usage: "what to write: so (shared object) or asm (annotated disassembly)"},
		&cli.StringFlag{Name: "opt-level", Aliases: []string{"O"}, Value: strconv.Itoa(compile.DefaultOptions().OptLevel), Usage: "optimization tier: 0 a fast baseline for huge modules, 1 and 2 the optimizing tier"},
		&cli.StringFlag{Name: "bounds-checks", Value: "guard", Usage: "memory bounds checks: guard (rely on a reserved region and guard pages; faster) or explicit (compare every access; reserves no guard region)"},
		&cli.StringFlag{Name: "reserved-size", Value: "4GiB", Usage: "guard mode: address space reserved per memory (multiple of 4 KiB)"},
		&cli.StringFlag{Name: "guard-size", Value: "2GiB", Usage: "guard mode: inaccessible bytes after the reservation (multiple of 4 KiB)"},
		&cli.StringFlag{Name: "target-cpu", Usage: "CPU to compile for: native, baseline, nehalem, sandybridge, haswell, broadwell, skylake, cannonlake, icelake, znver1 (default: baseline)"},
		&cli.StringSliceFlag{Name: "target-feature", Usage: "comma list of +feature/-feature (sse41, sse42, popcnt, lzcnt, bmi1, bmi2, avx, avx2); later items win"},
		&cli.StringFlag{Name: "syntax", Aliases: []string{"M"}, Value: "gnu", Usage: "assembly syntax for --emit=asm: gnu or intel"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "functions compiled in parallel (0: one per CPU)"},
		&cli.BoolFlag{Name: "fuel", Usage: "instrument the code for fuel metering (lucet-run --fuel)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print per-stage timings and sizes to standard error"},
	}, signFlags...)
}

// options is the validated command line.
type options struct {
	input, output string
	emitAsm       bool
	syntax        disasm.Syntax
	cg            compile.Options
	verbose       bool
}

func parseOptions(c *cli.Context) (*options, error) {
	o := &options{output: c.String("output"), verbose: c.Bool("verbose")}
	switch c.NArg() {
	case 0:
		return nil, usageError{errors.New("no input module (give a .wasm file, or - for standard input)")}
	case 1:
		o.input = c.Args().First()
		if err := cliflag.CheckPaths(o.input); err != nil {
			return nil, usageError{err}
		}
	default:
		return nil, usageError{fmt.Errorf("one input module at a time, got %d: %s", c.NArg(), strings.Join(c.Args().Slice(), " "))}
	}
	switch c.String("emit") {
	case "so", "obj":
	case "asm":
		o.emitAsm = true
	default:
		return nil, usageError{fmt.Errorf("--emit=%s: want so or asm", c.String("emit"))}
	}
	var err error
	if o.syntax, err = disasm.ParseSyntax(c.String("syntax")); err != nil {
		return nil, usageError{err}
	}
	if o.cg.OptLevel, err = parseOptLevel(c.String("opt-level")); err != nil {
		return nil, usageError{err}
	}
	sizeGiven := c.IsSet("reserved-size") || c.IsSet("guard-size")
	switch b := c.String("bounds-checks"); {
	case b == "explicit":
		if sizeGiven {
			return nil, usageError{errors.New("--reserved-size and --guard-size apply to --bounds-checks=guard only")}
		}
		o.cg.Bounds = object.BoundsExplicit
	case b == "guard":
		o.cg.Bounds = object.BoundsGuard
		if o.cg.MemReserve, err = parseSize("reserved-size", c.String("reserved-size")); err != nil {
			return nil, usageError{err}
		}
		if o.cg.MemGuard, err = parseSize("guard-size", c.String("guard-size")); err != nil {
			return nil, usageError{err}
		}
		if o.cg.MemReserve == 0 {
			return nil, usageError{errors.New("--reserved-size must not be 0 with guard bounds checks")}
		}
	default:
		return nil, usageError{fmt.Errorf("--bounds-checks=%s: want explicit or guard", b)}
	}
	if o.cg.Features, err = parseTarget(c.String("target-cpu"), c.StringSlice("target-feature")); err != nil {
		return nil, usageError{err}
	}
	o.cg.Fuel = c.Bool("fuel")
	o.cg.Parallel = c.Int("jobs")
	if o.cg.Parallel < 0 {
		return nil, usageError{fmt.Errorf("--jobs=%d: must not be negative", o.cg.Parallel)}
	}
	return o, nil
}

func parseOptLevel(s string) (int, error) {
	switch s {
	case "0", "none":
		return 0, nil
	case "1", "speed":
		return 1, nil
	case "2", "speed_and_size":
		return 2, nil
	}
	return 0, fmt.Errorf("--opt-level=%s: want 0/none, 1/speed or 2/speed_and_size", s)
}

// parseSize reads a byte size such as 4GiB, 64MiB or 65536.
func parseSize(flag, s string) (uint64, error) {
	v, err := cliflag.ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("--%s=%s: not a size (examples: 4GiB, 64MiB, 65536)", flag, s)
	}
	if v%4096 != 0 {
		return 0, fmt.Errorf("--%s=%s: %d bytes is not a multiple of 4 KiB", flag, s, v)
	}
	return v, nil
}

// baseline is the least the code generator can target: SSE4.1, POPCNT,
// LZCNT and BMI1 (roughly Haswell / Piledriver and later).
const baseline = object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1 | object.FeatureERMS

const haswell = object.AllFeatures

var cpus = map[string]uint64{
	"baseline":    baseline,
	"nehalem":     object.FeatureSSE41 | object.FeatureSSE42 | object.FeaturePOPCNT,
	"sandybridge": object.FeatureSSE41 | object.FeatureSSE42 | object.FeaturePOPCNT | object.FeatureAVX,
	"haswell":     haswell,
	"broadwell":   haswell,
	"skylake":     haswell,
	"cannonlake":  haswell,
	"icelake":     haswell,
	"znver1":      haswell,
}

// parseTarget turns --target-cpu and --target-feature into feature bits;
// 0 (neither given) lets the code generator use its portable default.
func parseTarget(cpu string, features []string) (uint64, error) {
	if cpu == "" && len(features) == 0 {
		return 0, nil
	}
	f := baseline
	switch cpu {
	case "":
	case "native":
		f = load.HostFeatures()
	default:
		var ok bool
		if f, ok = cpus[strings.ToLower(cpu)]; !ok {
			return 0, fmt.Errorf("--target-cpu=%s: unknown CPU (want native, baseline, nehalem, sandybridge, haswell, broadwell, skylake, cannonlake, icelake or znver1)", cpu)
		}
	}
	for _, list := range features {
		for _, item := range strings.Split(list, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if item[0] != '+' && item[0] != '-' {
				return 0, fmt.Errorf("--target-feature: %q must start with + or -", item)
			}
			bit, err := object.ParseFeature(item[1:])
			if err != nil {
				return 0, fmt.Errorf("--target-feature: %w", err)
			}
			if item[0] == '+' {
				f |= bit
			} else {
				f &^= bit
			}
		}
	}
	if f == 0 {
		// Every feature removed: still not "use the default".
		return 0, errors.New("--target-feature removed every CPU feature; the code generator needs sse41, popcnt, lzcnt and bmi1")
	}
	return f, nil
}

func compileCmd(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	if done, err := keygen(c, stdout); done {
		return err
	}
	o, err := parseOptions(c)
	if err != nil {
		return err
	}
	key, err := signKey(c)
	if err != nil {
		return err
	}
	toStdout := o.output == "" || o.output == "-"
	if toStdout && !o.emitAsm && cliflag.IsTerminal(stdout) {
		return usageError{errors.New("refusing to write a binary object to a terminal (use -o FILE or redirect standard output)")}
	}
	if !toStdout && o.input != "-" && sameFile(o.input, o.output) {
		// The rename over it replaced the module with its object.
		return usageError{fmt.Errorf("-o %s is the input module; give the object another name", o.output)}
	}
	st := stages{w: stderr, on: o.verbose}
	st.begin()
	name, wasmBytes, err := readInput(o.input, stdin)
	if cliflag.IsUsage(err) {
		return usageError{err}
	}
	if err != nil {
		return moduleError{err}
	}
	st.end("read", "%s, %s", name, cliflag.FormatSize(uint64(len(wasmBytes))))

	// The one pipeline lucet-run's cache compiles through too.
	var out io.WriterTo
	if o.emitAsm {
		obj, err := compile.Object(wasmBytes, o.cg, st.trace())
		if err != nil {
			return moduleError{fmt.Errorf("%s: %w", name, err)}
		}
		st.begin()
		var buf bytes.Buffer
		if err := disasm.Object(&buf, obj, disasm.Options{Syntax: o.syntax}); err != nil {
			return err
		}
		out = &buf
		st.end("disasm", "%s", cliflag.FormatSize(uint64(buf.Len())))
	} else {
		im, err := compile.Image(wasmBytes, o.cg, st.trace())
		if err != nil {
			return moduleError{fmt.Errorf("%s: %w", name, err)}
		}
		out = im
		if key != nil {
			st.begin()
			b := im.Bytes()
			if err := sign.Object(b, key); err != nil {
				return err
			}
			out = bytes.NewReader(b)
			st.end("sign", "ed25519")
		}
	}

	st.begin()
	dest := o.output
	if toStdout {
		dest = "<stdout>"
		_, err = out.WriteTo(stdout)
	} else {
		err = writeFileAtomic(o.output, out)
	}
	if err != nil {
		return err
	}
	st.end("write", "%s", dest)
	st.total()
	return nil
}

// followLinks is path with its symbolic links followed to what they name,
// which need not exist: -o naming a link to a file not yet made creates
// that file, as a shell's redirection does (filepath.EvalSymlinks fails
// there, and the rename replaced the link with the object). A chain
// longer than the kernel's 40 is left to the rename.
func followLinks(path string) string {
	for range 40 {
		target, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return path
}

// sameFile says whether paths a and b name one existing file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// writeFileAtomic writes b to a temporary file next to path and renames it
// over path, so readers see either the old file or the whole new one. A
// symbolic link is followed, and a path that is not a regular file
// (/dev/null, a FIFO) is written in place: renaming over a device node
// would replace it.
func writeFileAtomic(path string, b io.WriterTo) error {
	if err := writeAtomic(path, b); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if le := (*os.LinkError)(nil); errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeAtomic(path string, b io.WriterTo) (err error) {
	path = followLinks(path)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return errors.New("is a directory")
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := b.WriteTo(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = b.WriteTo(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// stages prints -v timings.
type stages struct {
	w     io.Writer
	on    bool
	start time.Time
	first time.Time
}

func (s *stages) begin() {
	s.start = time.Now()
	if s.first.IsZero() {
		s.first = s.start
	}
}

func (s *stages) end(stage, format string, args ...any) {
	if !s.on {
		return
	}
	fmt.Fprintf(s.w, "lucetc: %-9s %9s  %s\n", stage, fmtDur(time.Since(s.start)), fmt.Sprintf(format, args...))
}

// trace reports compile's stages as -v lines.
func (s *stages) trace() compile.Trace {
	if !s.on {
		return nil
	}
	return func(stage string, d time.Duration, detail string) {
		if s.first.IsZero() {
			s.first = time.Now().Add(-d)
		}
		fmt.Fprintf(s.w, "lucetc: %-9s %9s  %s\n", stage, fmtDur(d), detail)
	}
}

func (s *stages) total() {
	if s.on {
		fmt.Fprintf(s.w, "lucetc: %-9s %9s\n", "total", fmtDur(time.Since(s.first)))
	}
}

func fmtDur(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}
