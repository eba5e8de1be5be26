package objdump

import (
	"strings"
	"testing"
)

// hostileNames is a module whose every name carries a terminal escape
// sequence, a BEL and a line break: its import, its module name and both
// function names in the name section, an export and a custom section.
// (Every length is under 128, so each LEB128 is one byte.)
func hostileNames() []byte {
	const evil = "\x1b]0;title\x07\x1b[2J\nFAKE LINE"
	str := func(s string) string { return string(rune(len(s))) + s }
	sec := func(id byte, body string) string { return string([]byte{id, byte(len(body))}) + body }
	fnames := "\x02" + "\x00" + str("imp"+evil) + "\x01" + str("f"+evil)
	name := str("name") + "\x00" + str(str("M"+evil)) + "\x01" + str(fnames)
	return []byte("\x00asm\x01\x00\x00\x00" +
		sec(1, "\x01\x60\x00\x00") +
		sec(2, "\x01"+str("mod"+evil)+str("fld"+evil)+"\x00\x00") +
		sec(3, "\x01\x00") +
		sec(7, "\x01"+str("run"+evil)+"\x00\x01") +
		sec(10, "\x01\x03\x00\x00\x0b") +
		sec(0, name) +
		sec(0, str("cust"+evil)+"data"))
}

// TestHostileNamesEscaped: lucet-objdump prints a module's names, which
// anyone writes, without the control characters a terminal acts on. The
// import line, the function lines and the disassembly's labels printed
// them raw: an ESC sequence set the window title and cleared the screen
// of whoever inspected the module, and a line break forged a line.
func TestHostileNamesEscaped(t *testing.T) {
	mod := hostileNames()
	if code, _, errs := run(t, mod, "-"); code != 0 {
		t.Fatalf("the module is refused (exit %d: %s)", code, errs)
	}
	for _, args := range [][]string{{"-"}, {"-d", "-"}} {
		code, out, errs := run(t, mod, args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errs)
			continue
		}
		for i, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "FAKE LINE") {
				t.Errorf("%v: line %d is one the module made: %q", args, i+1, line)
			}
			for _, r := range line {
				if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
					t.Errorf("%v: line %d holds control character %U: %q", args, i+1, r, line)
					break
				}
			}
		}
		// What it printed still names them, escaped.
		if !strings.Contains(out, `fld\x1b]0;title\a\x1b[2J\nFAKE LINE`) {
			t.Errorf("%v: the import's name is not shown escaped:\n%s", args, out)
		}
	}
}
