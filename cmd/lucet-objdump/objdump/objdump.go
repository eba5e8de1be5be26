// Package objdump is lucet-objdump as a library, so tests of other commands
// can pipe into it in-process (see cmd/lucetc).
package objdump

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/load"
)

// usageError is a bad command line (exit 2); inputError a bad module
// (exit 1). Anything else is an I/O error (exit 2).
type usageError struct{ error }
type inputError struct{ error }

// Run is the whole command: args[0] is the program name. It returns the
// exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var code int
	flags := cliFlags()
	app := &cli.App{
		Name:            "lucet-objdump",
		Usage:           "describe a module compiled by lucetc",
		ArgsUsage:       "[module.so | -]",
		Flags:           flags,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			return dump(c, stdin, stdout)
		},
	}
	err := app.Run(cliflag.Permute(args, flags))
	var ue usageError
	var ie inputError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "lucet-objdump: %v\nusage: lucet-objdump [-d] [--json] [--syntax gnu|intel] [module.so | -]\n", ue.error)
		code = 2
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "lucet-objdump: %v\n", ie.error)
		code = 1
	default:
		fmt.Fprintf(stderr, "lucet-objdump: %v\n", err)
		code = 2
	}
	return code
}

func cliFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "disassemble", Aliases: []string{"d"}, Usage: "disassemble every function and stub"},
		&cli.BoolFlag{Name: "json", Usage: "print JSON instead of text"},
		&cli.StringFlag{Name: "syntax", Aliases: []string{"M"}, Value: "gnu", Usage: "assembly syntax for -d: gnu or intel"},
	}
}

func dump(c *cli.Context, stdin io.Reader, stdout io.Writer) error {
	syntax, err := disasm.ParseSyntax(c.String("syntax"))
	if err != nil {
		return usageError{err}
	}
	var (
		name string
		b    []byte
	)
	switch c.NArg() {
	case 0:
		name = "-"
	case 1:
		name = c.Args().First()
	default:
		return usageError{fmt.Errorf("one module at a time, got %d arguments", c.NArg())}
	}
	if name == "-" {
		if cliflag.IsTerminal(stdin) {
			return usageError{errors.New("no module given and standard input is a terminal")}
		}
		name = "<stdin>"
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return err
	}
	img, err := load.Inspect(b)
	if err != nil {
		return inputError{fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "load: "))}
	}
	r, err := buildReport(name, img, c.Bool("disassemble"), syntax)
	if err != nil {
		return inputError{fmt.Errorf("%s: %w", name, err)}
	}
	if c.Bool("json") {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return r.writeText(stdout)
}
