package wasm

import (
	"strconv"
	"unicode"
)

// Printable is a name from a module (a function, import or module name)
// as a tool may print it among its own text: unchanged when every
// character is printable, else with Go's escapes (\x1b, \n, \u00a0, and
// \" and \\ with them). Names are any UTF-8 the module's author chose: an
// ESC in a function name, printed raw in a trap backtrace or an objdump
// listing, was a terminal escape sequence (colours, the window title, a
// clipboard write), and a line break made one line look like two.
func Printable(name string) string {
	for _, r := range name {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			q := strconv.Quote(name)
			return q[1 : len(q)-1]
		}
	}
	return name
}
