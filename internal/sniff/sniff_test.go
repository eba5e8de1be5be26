package sniff

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	big := func(prefix string, fill byte, n int) []byte {
		return append([]byte(prefix), bytes.Repeat([]byte{fill}, n)...)
	}
	tests := []struct {
		name    string
		b       []byte
		eof     bool
		decided bool
		refused bool
	}{
		{"nothing yet", nil, false, false, false},
		{"empty", nil, true, true, false},
		{"wasm magic", []byte("\x00asm\x01\x00\x00\x00"), false, true, false},
		{"half the wasm magic", []byte("\x00as"), false, false, false},
		{"elf magic", []byte("\x7fELF\x02"), false, true, false},
		{"zeros", []byte("\x00\x00\x00\x00"), false, true, true},
		{"two zeros", []byte("\x00\x00"), false, true, true},
		{"tiny and done", []byte("ab"), true, true, true},
		{"part of a magic and done", []byte("\x7fE"), true, true, false},
		{"garbage", []byte("garbage"), false, true, true},
		{"text module", []byte("  \n(module (func))"), true, true, false},
		{"text module, more to come", []byte("(module"), false, false, false},
		{"text module, window seen", big("(module", ' ', TextWindow), false, true, false},
		{"line comment", []byte(";; a module\n(module)"), true, true, false},
		{"block comment", []byte("(; a ;) (module)"), true, true, false},
		{"half a keyword", []byte("\n(mod"), false, false, false},
		{"another keyword", []byte("(func)"), false, true, true},
		{"text with a NUL", []byte("(module\x00)"), false, true, true},
		{"NUL past the window", append(big("(module", 'a', TextWindow), 0), false, true, false},
		{"white space only", big("", '\n', 100), false, false, false},
		{"white space past the window", big("", ' ', TextWindow), false, true, true},
		{"white space and done", big("", '\t', 10), true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			decided, err := Check(tc.b, tc.eof)
			if decided != tc.decided || (err != nil) != tc.refused {
				t.Errorf("Check = %v, %v; want decided %v, refused %v", decided, err, tc.decided, tc.refused)
			}
		})
	}
}

// endless is a reader that never ends: prefix, then fill forever. It
// counts what was read.
type endless struct {
	prefix []byte
	fill   func(p []byte)
	read   int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	e.fill(p[n:])
	e.read += int64(len(p))
	return len(p), nil
}

func zeros(p []byte) { clear(p) }

func TestReadAllEndless(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	random := func(p []byte) { rnd.Read(p) }
	spaces := func(p []byte) {
		for i := range p {
			p[i] = ' '
		}
	}
	tests := []struct {
		name    string
		r       *endless
		limit   int64
		want    error
		maxRead int64 // refused after reading at most this much
	}{
		{"/dev/zero", &endless{fill: zeros}, 0, ErrNotModule, 8},
		{"/dev/urandom", &endless{fill: random}, 0, ErrNotModule, 8},
		{"magic then zeros", &endless{prefix: []byte("\x00asm"), fill: zeros}, 1 << 20, &TooLargeError{}, 1<<20 + 1},
		{"ELF then random", &endless{prefix: []byte("\x7fELF"), fill: random}, 1 << 20, &TooLargeError{}, 1<<20 + 1},
		{"text then spaces", &endless{prefix: []byte("(module"), fill: spaces}, 1 << 20, &TooLargeError{}, 1<<20 + 1},
		{"spaces", &endless{fill: spaces}, 0, ErrNotModule, 2 * TextWindow},
		{"text then zeros", &endless{prefix: []byte(";; x"), fill: zeros}, 0, ErrNotModule, 2 * TextWindow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadAll(tc.r, nil, tc.limit)
			var tl *TooLargeError
			switch {
			case b != nil:
				t.Errorf("returned %d bytes of an endless input", len(b))
			case errors.As(tc.want, &tl):
				if !errors.As(err, &tl) || tl.Limit != tc.limit {
					t.Errorf("err = %v, want too large past %d", err, tc.limit)
				}
			case err != tc.want:
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.r.read > tc.maxRead {
				t.Errorf("read %d bytes before refusing, want at most %d", tc.r.read, tc.maxRead)
			}
		})
	}
}

func TestReadAllFinite(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{"empty", "", nil},
		{"module", "\x00asm\x01\x00\x00\x00" + strings.Repeat("x", 100000), nil},
		{"text", "(module)\n", nil},
		{"tiny", "ab", ErrNotModule},
		{"part of a magic", "\x00a", nil},
		{"garbage", "hello world", ErrNotModule},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time: every read is a short one.
			b, err := ReadAll(io.LimitReader(&oneByte{s: tc.in}, int64(len(tc.in))), nil, 0)
			if err != tc.err {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err == nil && string(b) != tc.in {
				t.Errorf("read %d bytes, want %d", len(b), len(tc.in))
			}
		})
	}
}

type oneByte struct{ s string }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(o.s) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = o.s[0]
	o.s = o.s[1:]
	return 1, nil
}

func TestIsTextIsELF(t *testing.T) {
	for _, tc := range []struct {
		in              string
		text, elf, wasm bool
	}{
		{"(module)", true, false, false},
		{"  \n\t(module (func))", true, false, false},
		{";; a comment\n(module)", true, false, false},
		{"(; block ;)(module)", true, false, false},
		{"\x7fELF\x02\x01\x01", false, true, false},
		{"\x00asm\x01\x00\x00\x00", false, false, true},
		{"\x00asm", false, false, true},
		{"\x00as", false, false, false},
		{"", false, false, false},
		{"module", false, false, false},
		{"\x7fEL", false, false, false},
	} {
		if got := IsWasm([]byte(tc.in)); got != tc.wasm {
			t.Errorf("IsWasm(%q) = %v, want %v", tc.in, got, tc.wasm)
		}
		if got := IsText([]byte(tc.in)); got != tc.text {
			t.Errorf("IsText(%q) = %v, want %v", tc.in, got, tc.text)
		}
		if got := IsELF([]byte(tc.in)); got != tc.elf {
			t.Errorf("IsELF(%q) = %v, want %v", tc.in, got, tc.elf)
		}
	}
}
