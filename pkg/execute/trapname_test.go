package execute

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
)

// TestTrapNamesEscaped: a trap's backtrace names functions as the module
// named them, and a module's names are any UTF-8 its author chose; lucet-run
// prints the backtrace to a terminal. An ESC sequence there cleared the
// screen (or set the window title, or wrote the clipboard), and a line
// break forged a frame.
func TestTrapNamesEscaped(t *testing.T) {
	for _, tc := range []struct{ name, shown string }{
		{"add", "add"},
		{"f\x1b[2J", `f\x1b[2J`},
		{"g\x1b]52;c;aGk=\x07", `g\x1b]52;c;aGk=\a`},
		{"h\n  at forged @0x1", `h\n  at forged @0x1`},
	} {
		tr := &Trap{Code: abi.TrapUnreachable, Frames: []Frame{{Func: tc.name, WasmOffset: 0x10}}}
		msg := tr.Error()
		if want := "\n  at " + tc.shown + " @0x10"; !strings.HasSuffix(msg, want) {
			t.Errorf("%q: %q, want it to end %q", tc.name, msg, want)
		}
		if strings.Count(msg, "\n") != 1 || strings.ContainsAny(msg, "\x1b\x07") {
			t.Errorf("%q: control characters or extra lines in %q", tc.name, msg)
		}
	}
}
