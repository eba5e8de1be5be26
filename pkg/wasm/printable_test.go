package wasm

import "testing"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"add", "add"},
		{"guest func 3", "guest func 3"}, // spaces are printable
		{`a"b\c`, `a"b\c`},               // left alone without a control character
		{"çà_日本", "çà_日本"},
		{"f\x1b[31mRED", `f\x1b[31mRED`},
		{"f\x1b]52;c;aGk=\x07", `f\x1b]52;c;aGk=\a`},
		{"one\ntwo", `one\ntwo`},
		{"tab\there", `tab\there`},
		{"cr\rover", `cr\rover`},
		{"nbsp\u00a0", `nbsp\u00a0`},
		{"c1\u009b31m", `c1\u009b31m`}, // the one-character CSI
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"del\x7f", `del\x7f`},
		{"q\"\x1b", `q\"\x1b`}, // escaped, quotes are too
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
