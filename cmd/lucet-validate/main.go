// Command lucet-validate checks WebAssembly 2.0 modules: it decodes and
// validates each file, as the front end of lucetc does, and optionally
// checks that the module is a WASI preview 1 program lucet-run can run.
//
// In: .wasm files (or standard input). Out: one line per file ("x.wasm: ok"
// or "x.wasm:0x1a3: func 12 (name): type mismatch: ..."), or one JSON
// object per file with --json. Exit status (the convention of every tool,
// internal/cliflag): 0 when every file is valid, 1 when any is invalid or
// unreadable, 2 on a usage error. It never waits on a terminal: with no
// file and a terminal for standard input it is a usage error.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasi/preview1"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK      = cliflag.ExitOK
	exitInvalid = cliflag.ExitRefused // invalid or unreadable
	exitUsage   = cliflag.ExitUsage
)

// run is main without the process: tests call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	help := &cliflag.HelpOut{W: stdout}
	return help.Status("lucet-validate", runApp(args, stdin, stdout, stderr, help), stderr)
}

func runApp(args []string, stdin io.Reader, stdout, stderr io.Writer, help io.Writer) int {
	status := exitOK
	app := &cli.App{
		Name:      "lucet-validate",
		Usage:     "decode and validate WebAssembly modules",
		UsageText: "lucet-validate [OPTIONS] [FILE.wasm ...]  (none, or -, reads standard input)",
		Version:   cliflag.Version(),
		Description: "Prints \"FILE: ok\" or \"FILE:OFFSET: where: why\" for each file.\n" +
			"Standard input is never read from a terminal.\n" + cliflag.ExitHelp + ".",
		HideHelpCommand: true,
		Writer:          help,
		ErrWriter:       stderr,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "wasi", Usage: "also require a WASI preview 1 program: only wasi_snapshot_preview1 imports, with their signatures, and _start: [] -> [] exported by a command"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per file: verdict, error, offset and a summary of the module"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing; report through the exit status only"},
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{cliflag.ExplainValue(err, c.App.Flags)}
		},
		ExitErrHandler: func(*cli.Context, error) {}, // never os.Exit from inside run
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 && cliflag.IsTerminal(stdin) {
				return usageError{errors.New("no file given, and standard input is a terminal")}
			}
			if err := cliflag.CheckPaths(c.Args().Slice()...); err != nil {
				return usageError{err}
			}
			// "-" from a terminal is a usage error too (2, as lucetc,
			// lucet-objdump and lucet-run say), found before any file
			// is checked.
			if slices.Contains(c.Args().Slice(), "-") && cliflag.IsTerminal(stdin) {
				return usageError{errors.New("- names standard input, which is a terminal; give a file, or pipe the module in")}
			}
			status = check(c, stdin, stdout, stderr)
			return nil
		},
	}
	if err := app.Run(flagsFirst(args)); err != nil {
		fmt.Fprintf(stderr, "lucet-validate: %v (see lucet-validate --help)\n", err)
		return exitUsage
	}
	return status
}

type usageError struct{ error }

// flagsFirst moves flags ahead of file names, so `lucet-validate x.wasm
// --json` works: the flag parser stops at the first non-flag. Every flag
// is boolean, so no flag value can be mistaken for a file. Arguments after
// "--" are files whatever they look like.
func flagsFirst(args []string) []string {
	if len(args) == 0 {
		return args
	}
	flags := []string{args[0]}
	var files []string
	for i, a := range args[1:] {
		if a == "--" {
			files = append(files, args[i+2:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
		} else {
			files = append(files, a)
		}
	}
	return append(append(flags, "--"), files...)
}

// result is what is known about one file; it is also the --json output.
type result struct {
	File    string   `json:"file"`
	Verdict string   `json:"verdict"` // "ok", "invalid" or "error" (could not read)
	Error   string   `json:"error,omitempty"`
	Offset  *int     `json:"offset,omitempty"`
	Func    *int     `json:"func,omitempty"`
	Stage   string   `json:"stage,omitempty"` // "decode", "validate", "wasi" or "read"
	Warns   []string `json:"warnings,omitempty"`
	Summary *summary `json:"summary,omitempty"`
}

type summary struct {
	Size          int            `json:"size"`
	Types         int            `json:"types"`
	Imports       int            `json:"imports"`
	ImportsBy     map[string]int `json:"imports_by_module"`
	Funcs         int            `json:"funcs"` // defined
	ImportedFuncs int            `json:"imported_funcs"`
	Tables        int            `json:"tables"`
	Memories      int            `json:"memories"`
	Globals       int            `json:"globals"`
	Exports       int            `json:"exports"`
	Elems         int            `json:"elem_segments"`
	Datas         int            `json:"data_segments"`
	DataBytes     int            `json:"data_bytes"`
	CodeBytes     int            `json:"code_bytes"`
	Customs       []string       `json:"custom_sections"`
	Start         *uint32        `json:"start,omitempty"`
}

func check(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	files := c.Args().Slice()
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := exitOK
	enc := json.NewEncoder(stdout)
	// werr is the first failed write of a verdict: the verdicts are the
	// output, so not writing one is a failure (exit 1), not a success.
	var werr error
	printf := func(format string, a ...any) {
		if werr == nil {
			_, werr = fmt.Fprintf(stdout, format, a...)
		}
	}
	for _, f := range files {
		r := checkFile(f, stdin, c.Bool("wasi"))
		switch r.Verdict {
		case "error", "invalid":
			status = max(status, exitInvalid)
		}
		switch {
		case c.Bool("quiet"):
		case c.Bool("json"):
			werr = enc.Encode(r)
		case r.Verdict == "error":
			fmt.Fprintf(stderr, "lucet-validate: %s\n", r.Error)
		default:
			for _, w := range r.Warns {
				fmt.Fprintf(stderr, "%s: warning: %s\n", r.File, w)
			}
			if r.Verdict == "ok" {
				printf("%s: ok\n", r.File)
			} else if strings.HasPrefix(r.Error, "0x") {
				printf("%s:%s\n", r.File, r.Error)
			} else {
				printf("%s: %s\n", r.File, r.Error)
			}
		}
		if werr != nil {
			fmt.Fprintf(stderr, "lucet-validate: %v\n", werr)
			return exitInvalid
		}
	}
	return status
}

func checkFile(name string, stdin io.Reader, wasi bool) (r result) {
	var (
		b   []byte
		err error
	)
	r = result{File: name}
	defer func() {
		// A panic is a bug in decode or validate, not a verdict on the
		// module; say so in one line rather than with a Go trace.
		if p := recover(); p != nil {
			r = result{File: r.File, Verdict: "error", Stage: r.Stage,
				Error: fmt.Sprintf("%s: internal error (a bug in lucet, please report it): %v", r.File, p)}
		}
	}()
	r.File, b, err = cliflag.ReadInput(name, stdin, decode.DefaultLimits.ModuleSize)
	if err != nil {
		r.Verdict, r.Stage, r.Error = "error", "read", err.Error()
		return r
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		var de *decode.Error
		if errors.As(err, &de) {
			r.Offset, r.Func = &de.Offset, optFunc(de.Func)
		}
		r.Verdict, r.Stage, r.Error = "invalid", "decode", err.Error()
		return r
	}
	r.Summary = summarize(m, len(b))
	if m.Names.Err != nil {
		r.Warns = append(r.Warns, m.Names.Err.Error())
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		var ve *validate.Error
		if errors.As(err, &ve) {
			if ve.Offset >= 0 {
				r.Offset = &ve.Offset
			}
			r.Func = optFunc(ve.Func)
		}
		r.Verdict, r.Stage, r.Error = "invalid", "validate", err.Error()
		return r
	}
	if wasi {
		if err := preview1.Check(m); err != nil {
			r.Verdict, r.Stage, r.Error = "invalid", "wasi", err.Error()
			return r
		}
	}
	r.Verdict = "ok"
	return r
}

func optFunc(f int) *int {
	if f < 0 {
		return nil
	}
	return &f
}

func summarize(m *wasm.Module, size int) *summary {
	s := &summary{
		Size:          size,
		Types:         len(m.Types),
		Imports:       len(m.Imports),
		ImportsBy:     map[string]int{},
		Funcs:         len(m.Funcs),
		ImportedFuncs: int(m.NumImportedFuncs),
		Tables:        int(m.NumTables()),
		Memories:      int(m.NumMems()),
		Globals:       int(m.NumGlobals()),
		Exports:       len(m.Exports),
		Elems:         len(m.Elems),
		Datas:         len(m.Datas),
		Customs:       []string{},
	}
	for _, im := range m.Imports {
		s.ImportsBy[im.Module]++
	}
	for _, d := range m.Datas {
		s.DataBytes += len(d.Init)
	}
	for _, c := range m.Codes {
		s.CodeBytes += len(c.Body)
	}
	for _, c := range m.Customs {
		s.Customs = append(s.Customs, c.Name)
	}
	if m.Names.HasModule || m.Names.Funcs != nil || m.Names.Locals != nil || m.Names.Err != nil {
		s.Customs = append(s.Customs, "name")
	}
	sort.Strings(s.Customs)
	if m.HasStart {
		st := m.Start
		s.Start = &st
	}
	return s
}
