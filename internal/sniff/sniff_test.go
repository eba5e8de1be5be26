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

// countingReader counts what is read of r.
type countingReader struct {
	r    io.Reader
	read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// zeroReader is an endless run of zeros (a sparse file's hole).
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestReadSized: a regular file is refused by its first bytes or by its
// size, before it is read whole. (Before, a 4 GiB file of zeros was read
// into memory and a .wasm was read up to Max, four times what the decoder
// accepts.)
func TestReadSized(t *testing.T) {
	wasm := func(size int64) io.Reader {
		return io.LimitReader(io.MultiReader(strings.NewReader("\x00asm\x01\x00\x00\x00"), zeroReader{}), size)
	}
	tooLarge := func(limit int64) func(error) bool {
		return func(err error) bool {
			var tl *TooLargeError
			return errors.As(err, &tl) && tl.Limit == limit
		}
	}
	for _, c := range []struct {
		name    string
		r       io.Reader
		size    int64
		limit   int64
		want    func(error) bool // nil: read whole
		maxRead int64
	}{
		{"zeros, 4 GiB", io.LimitReader(zeroReader{}, 4<<30), 4 << 30, 0, func(err error) bool { return err == ErrNotModule }, TextWindow},
		{"zeros, one window and a byte", io.LimitReader(zeroReader{}, TextWindow+1), TextWindow + 1, 0, func(err error) bool { return err == ErrNotModule }, TextWindow},
		{"zeros, one window", io.LimitReader(zeroReader{}, TextWindow), TextWindow, 0, nil, TextWindow},
		{"wasm past WasmMax", wasm(WasmMax + 1), WasmMax + 1, 0, tooLarge(WasmMax), TextWindow},
		{"wasm past a smaller limit", wasm(1 << 20), 1 << 20, 1000, tooLarge(1000), 0},
		{"wasm growing past the limit", wasm(2 << 20), 1000, 1 << 20, tooLarge(1 << 20), 2 << 20},
		{"wasm", wasm(1 << 20), 1 << 20, 0, nil, 1 << 20},
		{"wasm larger than stat said", wasm(1<<20 + 5), 1 << 20, 0, nil, 1<<20 + 5},
		{"wasm shorter than stat said", wasm(1 << 19), 1 << 20, 0, nil, 1 << 19},
		{"object past Max", io.LimitReader(zeroReader{}, 0), Max + 1, 0, tooLarge(Max), 0},
		{"empty", strings.NewReader(""), 0, 0, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &countingReader{r: c.r}
			b, err := ReadSized(r, c.size, c.limit)
			if c.want == nil {
				if err != nil || int64(len(b)) != r.read {
					t.Errorf("%d bytes of %d read, error %v; want all of it", len(b), r.read, err)
				}
			} else if !c.want(err) || b != nil {
				t.Errorf("%d bytes, error %v: not the refusal wanted", len(b), err)
			}
			if r.read > c.maxRead {
				t.Errorf("read %d bytes, want at most %d", r.read, c.maxRead)
			}
		})
	}
}
