package frontend

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// checkReadFast compares readFast with wasm.Reader.Read at every
// instruction of body: where readFast decodes one, it must give Read's
// Instr and length, whatever in held before (clean: only readFast's own
// fields set; not clean: every field). It returns how many it decoded.
func checkReadFast(t *testing.T, name string, body []byte) int {
	t.Helper()
	var r wasm.Reader
	fast := 0
	for pos := 0; pos < len(body); {
		r.Reset(body)
		r.SetPos(pos)
		var want wasm.Instr
		err := r.Read(&want)
		for _, clean := range []bool{true, false} {
			got := wasm.Instr{Index: 7, MemAlign: 7, MemOffset: 7, Value: 7}
			if !clean {
				got = wasm.Instr{Op: 9, Offset: 9, Index: 9, Index2: 9, MemAlign: 9, MemOffset: 9, Value: 9,
					Block: wasm.BlockType{Kind: 1, Value: 1, Index: 1}, Targets: []uint32{1}, Type: 1, NumTypes: 1,
					V128: [16]byte{1}, Lane: 1}
			}
			n := readFast(&got, body, pos, clean, fastKinds.Get())
			if n == 0 {
				continue
			}
			if err != nil {
				t.Fatalf("%s: offset %d: readFast decoded %d bytes where Read fails: %v", name, pos, n, err)
			}
			if n != r.Pos()-pos || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: offset %d (clean %v): readFast gave %+v (%d bytes), Read %+v (%d bytes)",
					name, pos, clean, got, n, want, r.Pos()-pos)
			}
			if clean {
				fast++
			}
		}
		if err != nil {
			return fast
		}
		pos = r.Pos()
	}
	return fast
}

// TestReadFast checks readFast against Read on the bodies of the
// committed modules and on encodings at the edges of its fast path:
// long, negative and truncated immediates.
func TestReadFast(t *testing.T) {
	mods, _ := filepath.Glob("../../../testdata/*.wasm")
	more, _ := filepath.Glob("../testdata/*.wasm")
	mods = append(mods, more...)
	if len(mods) == 0 {
		t.Fatal("no test modules found")
	}
	fast, all := 0, 0
	for _, path := range mods {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			continue // the invalid modules some tests keep
		}
		for i := range m.Codes {
			fast += checkReadFast(t, filepath.Base(path), m.Codes[i].Body)
			all++
		}
	}
	if fast == 0 {
		t.Fatalf("readFast decoded nothing in %d bodies", all)
	}
	for _, body := range [][]byte{
		{0x20, 0x80, 0x80, 0x80, 0x01},       // local.get of a 4-byte index
		{0x20, 0x80, 0x80, 0x80, 0x80, 0x01}, // 5 bytes: Read's
		{0x20, 0x80},                         // truncated
		{0x41, 0x7f}, {0x41, 0x3f}, {0x41, 0xc0, 0x00}, {0x41, 0x80, 0x80, 0x80, 0x40},
		{0x41, 0xff, 0xff, 0xff, 0xff, 0x07}, {0x41, 0x80, 0x80, 0x80, 0x80, 0x78},
		{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40},
		{0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
		{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f},
		{0x28, 0x02, 0x90, 0x4e}, {0x36, 0x03, 0x80, 0x80, 0x80, 0x80, 0x08}, {0x28, 0x02},
		{0x43, 1, 2, 3, 4}, {0x43, 1, 2, 3}, {0x44, 1, 2, 3, 4, 5, 6, 7, 0x80}, {0x44, 1},
		{0x6a, 0x1a, 0x0b, 0xd1, 0x00, 0x0f},
	} {
		checkReadFast(t, "edge", body)
	}
}
