// Command clihello is the yardstick of lucet-run's start-up: a minimal Go
// program built like lucet-run (urfave/cli, one flag, the same go.mod's
// versions, built with -tags urfave_cli_no_docs and CGO_ENABLED=0) that
// prints hello. What `lucet-run hello.so` costs beyond it is the runtime's
// own start (issue 9 §5). scripts/startup.sh, scripts/startpages.sh and
// scripts/startprof.sh all build this one program:
//
//	CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o clihello ./scripts/clihello
//
// It is not part of the product; keep it minimal, or every comparison
// against it moves.
package main

import (
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:   "hello",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "quiet"}},
		Action: func(c *cli.Context) error { _, err := os.Stdout.WriteString("Hello, world!\n"); return err },
	}
	if err := app.Run(os.Args); err != nil {
		os.Exit(1)
	}
}
