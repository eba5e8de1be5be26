// Package objdump is lucet-objdump as a library, so tests of other commands
// can pipe into it in-process (see cmd/lucetc).
package objdump

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/load"
)

// usageError is a bad command line (exit 2); any other error means the
// input was refused (exit 1): unreadable, not a module, malformed, or (with
// -d) not compilable.
type usageError struct{ error }

// Run is the whole command: args[0] is the program name. It returns the
// exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A panic is a bug in lucet, not a verdict on the input; it still
		// gets one line rather than a trace.
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "lucet-objdump: internal error: %v (please report this bug)\n", p)
			code = cliflag.ExitRefused
		}
	}()
	help := &cliflag.HelpOut{W: stdout}
	defer func() { code = help.Status("lucet-objdump", code, stderr) }()
	flags := cliFlags()
	app := &cli.App{
		Name:      "lucet-objdump",
		Usage:     "describe a WebAssembly module or a module compiled by lucetc",
		UsageText: "lucet-objdump [-d] [--json] [--syntax gnu|intel] MODULE",
		Version:   cliflag.Version(),
		Description: "MODULE is a .wasm file, a .so object from lucetc, or - for standard input\n" +
			"(also read when MODULE is omitted and standard input is not a terminal).\n\n" +
			"For a .wasm: its sections, types, imports, functions with their body sizes,\n" +
			"tables, memories, globals, exports, element, data and custom sections;\n" +
			"-d compiles it in memory (as lucet-run does) and adds each function's\n" +
			"machine code. For a .so: its header, memory and data image, tables, types,\n" +
			"imports, exports, functions with their trap and call sites, and stubs;\n" +
			"-d adds the disassembly. --json prints the same as one JSON object\n" +
			"(schema: cmd/lucet-objdump/SCHEMA.md).\n\n" +
			"Exit status: 0 success, 1 the input was refused (unreadable, not a module,\n" +
			"malformed, or with -d failed to compile), 2 usage error.",
		Flags:           flags,
		Writer:          help,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{cliflag.ExplainValue(err, c.App.Flags)}
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			return dump(c, stdin, stdout)
		},
	}
	err := app.Run(cliflag.Permute(args, flags))
	var ue usageError
	switch {
	case err == nil:
		return cliflag.ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "lucet-objdump: %v (see lucet-objdump --help)\n", ue.error)
		return cliflag.ExitUsage
	default:
		fmt.Fprintf(stderr, "lucet-objdump: %v\n", err)
		return cliflag.ExitRefused
	}
}

func cliFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "disassemble", Aliases: []string{"d"}, Usage: "disassemble every function and stub (a .wasm is compiled in memory first)"},
		&cli.BoolFlag{Name: "json", Usage: "print JSON instead of text"},
		&cli.StringFlag{Name: "syntax", Aliases: []string{"M"}, Value: "gnu", Usage: "assembly syntax for -d: gnu or intel"},
	}
}

func dump(c *cli.Context, stdin io.Reader, stdout io.Writer) error {
	syntax, err := disasm.ParseSyntax(c.String("syntax"))
	if err != nil {
		return usageError{err}
	}
	var name string
	switch c.NArg() {
	case 0:
		name = "-"
	case 1:
		name = c.Args().First()
		if err := cliflag.CheckPaths(name); err != nil {
			return usageError{err}
		}
	default:
		return usageError{fmt.Errorf("one module at a time, got %d arguments", c.NArg())}
	}
	if name == "-" && cliflag.IsTerminal(stdin) {
		return usageError{errors.New("no module given and standard input is a terminal")}
	}
	name, b, err := cliflag.ReadInput(name, stdin, maxInput)
	if err != nil {
		return err
	}
	dis := c.Bool("disassemble")
	var r interface{ writeText(io.Writer) error }
	switch {
	case len(b) == 0:
		return fmt.Errorf("%s: empty: expected a .wasm module or a .so from lucetc", name)
	case compile.IsWasm(b):
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			// Say "truncated" when the framing shows it, rather than the
			// spec's "length out of bounds" deep inside a section.
			var te *truncatedError
			if _, _, ferr := readSections(b); errors.As(ferr, &te) {
				return fmt.Errorf("%s: %w", name, te)
			}
			return fmt.Errorf("%s: not a valid WebAssembly module: %w", name, err)
		}
		r, err = buildWasmReport(name, b, m, dis, syntax)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	case sniff.IsELF(b):
		img, err := load.Inspect(b)
		if err != nil {
			return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "load: "))
		}
		r, err = buildReport(name, img, dis, syntax)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	default:
		return fmt.Errorf("%s: %s", name, notAModule(b))
	}
	if c.Bool("json") {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return r.writeText(stdout)
}

// maxInput is the most lucet-objdump reads: the size decode accepts.
var maxInput = decode.DefaultLimits.ModuleSize

// notAModule says what b is not, with a hint when it is recognisable.
func notAModule(b []byte) string {
	t := bytes.TrimLeft(b[:min(len(b), 64)], " \t\r\n")
	if bytes.HasPrefix(t, []byte("(module")) || bytes.HasPrefix(t, []byte(";;")) {
		return "WebAssembly text, not binary: convert it with wat2wasm first"
	}
	return fmt.Sprintf("not a WebAssembly module or a lucet object (starts with % x)", b[:min(len(b), 4)])
}
