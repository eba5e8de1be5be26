package decode

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// refWalk is walk without the fast path: every instruction through
// wasm.Reader. It returns the position after the body's end, or the
// offset and error of the first fault.
func refWalk(b []byte, start int) (int, error) {
	d := &decoder{b: b, fn: -1}
	var pos int
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				f := r.(bail)
				pos, err = f.err.Offset, f.err.Err
			}
		}()
		d.r.Reset(b)
		d.r.SetPos(start)
		for {
			in, err := d.r.Next()
			if err != nil {
				d.fail(in.Offset, mapErr(err))
			}
			if in.Op == wasm.OpEnd && len(d.ctl) == 0 {
				pos = d.r.Pos()
				return nil
			}
			d.structure(&in)
		}
	}()
	return pos, err
}

func fastWalk(b []byte, start int) (pos int, err error) {
	d := &decoder{b: b, fn: -1}
	defer func() {
		if r := recover(); r != nil {
			f := r.(bail)
			pos, err = f.err.Offset, f.err.Err
		}
	}()
	return d.walk(start), nil
}

// TestWalkMatchesReader checks the fast path against the plain reader on
// every body of the test modules, intact and with bytes changed.
func TestWalkMatchesReader(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/small/*.wasm")
	files = append(files, "../../testdata/gobig.wasm")
	compared := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(b, Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, c := range m.Codes {
			if f != "../../testdata/gobig.wasm" || i%50 == 0 {
				check(t, b, c.BodyOffset, f, i)
				compared++
			}
			if len(c.Body) > 0 && i%7 == 0 {
				// Mutate a few bytes of a copy of the body region.
				mb := append([]byte(nil), b...)
				for k := 0; k < len(c.Body); k += 1 + len(c.Body)/8 {
					mb[c.BodyOffset+k] ^= byte(0x80 >> (k % 8))
					check(t, mb, c.BodyOffset, f, i)
					compared++
				}
			}
		}
	}
	// Edge encodings: the longest LEB128s, valid and not, truncations.
	for i, body := range [][]byte{
		{0x41, 0xff, 0xff, 0xff, 0xff, 0x07, 0x1a, 0x0b},                               // i32.const max, 5 bytes
		{0x41, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a, 0x0b},                               // i32.const too large
		{0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x1a, 0x0b},                               // i32.const min
		{0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b},                         // too long
		{0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1a, 0x0b}, // i64.const max
		{0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x1a, 0x0b}, // too large
		{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, 0x1a, 0x0b}, // min
		{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b}, // too long
		{0x10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b},                                     // call 2^32-1
		{0x10, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x0b},                                     // call too large
		{0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a, 0x0b},                         // load offset 2^32-1
		{0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x10, 0x1a, 0x0b},                         // offset too large
		{0x28, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x1a, 0x0b},                         // align too large
		{0x02, 0x7f, 0x41, 0x01, 0x0b, 0x0b},                                           // block i32
		{0x02, 0x00, 0x0b, 0x0b},                                                       // block type index 0
		{0x02, 0x10, 0x0b, 0x0b},                                                       // malformed value type
		{0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b},                                           // two elses
		{0x43, 0x00, 0x00},                                                             // truncated f32.const
		{0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b},                   // f64.const
		{0x20},       // truncated local.get
		{0x20, 0x80}, // truncated LEB
	} {
		check(t, body, 0, "edge", i)
		compared++
	}
	if compared < 100 {
		t.Errorf("only %d bodies compared", compared)
	}
}

func check(t *testing.T, b []byte, start int, f string, i int) {
	t.Helper()
	p1, e1 := refWalk(b, start)
	p2, e2 := fastWalk(b, start)
	// The fast walk names the proposal behind bytes the reader rejects.
	var ue *UnsupportedError
	if errors.As(e2, &ue) {
		e2 = ue.Err
	}
	if p1 != p2 || (e1 == nil) != (e2 == nil) || (e1 != nil && e1.Error() != e2.Error() && !errors.Is(e2, e1)) {
		t.Errorf("%s code %d: reader walk (%d, %v), fast walk (%d, %v)", f, i, p1, e1, p2, e2)
	}
}

func TestShortS32(t *testing.T) {
	for _, enc := range [][]byte{
		{0x00}, {0x7f}, {0x3f}, {0x40}, {0x80, 0x01}, {0xff, 0x7f}, {0x80, 0x80, 0x01}, {0xff, 0xff, 0xff, 0x3f},
		{0x80, 0x80, 0x80, 0x40}, {0x80, 0x80, 0x80, 0x80, 0x78}, {0x80}, {},
	} {
		r := wasm.NewReader(enc)
		wv, err := r.S32()
		n := r.Pos()
		got, p := shortS32(enc, 0)
		if p < 0 {
			if err == nil && n <= 4 {
				t.Errorf("% x: shortS32 declined a %d-byte encoding the reader accepts", enc, n)
			}
			continue
		}
		if err != nil || got != wv || p != n {
			t.Errorf("% x: shortS32 = %d, %d; reader = %d, %d, %v", enc, got, p, wv, n, err)
		}
	}
}
