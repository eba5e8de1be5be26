package validate

import "testing"

// TestErrorNameEscaped: a validation error names the function by the
// module's name for it, which lucet-validate, lucetc and lucet-run print
// to a terminal; its control characters (an ESC sequence, a line break)
// are escaped, as in every other place a tool prints a module's names.
func TestErrorNameEscaped(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"add", "0x10: func 1 (add): type mismatch"},
		{"f\x1b[2J\nx", `0x10: func 1 (f\x1b[2J\nx): type mismatch`},
	} {
		e := &Error{Offset: 0x10, Func: 1, FuncName: tc.name, Msg: "type mismatch"}
		if got := e.Error(); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.name, got, tc.want)
		}
	}
}
