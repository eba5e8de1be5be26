package cliflag

import (
	"fmt"
	"io"
)

// HelpOut is the writer a tool gives urfave/cli as App.Writer, where
// --help and --version go. cli ignores the error of those writes, so
// `lucetc --help >/dev/full` exited 0 having printed nothing; coreutils
// exit 1 with "write error" then, and so do the lucet tools (README's exit
// table: 1 when the output could not be written). HelpOut remembers the
// first failed write, and Status turns it into that line and status.
type HelpOut struct {
	W   io.Writer
	err error
}

func (h *HelpOut) Write(p []byte) (int, error) {
	n, err := h.W.Write(p)
	if err != nil && h.err == nil {
		h.err = err
	}
	return n, err
}

// Status is the exit status of tool name, which would exit with code: a
// success whose help or version text could not be written is one line on
// stderr and ExitRefused; any other code stands (its error was reported).
func (h *HelpOut) Status(name string, code int, stderr io.Writer) int {
	if h.err == nil || code != ExitOK {
		return code
	}
	fmt.Fprintf(stderr, "%s: write error: %v\n", name, UnwrapPath(h.err))
	return ExitRefused
}
