package load_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/sign"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// seedModules are real modules compiled for the tests below: one with
// globals and an element segment, one with many element segments, one
// with data segments and imports; the later ones give FuzzObject more
// shapes of metadata (passive segments and bulk memory, table copies,
// declared funcrefs, SIMD, function imports).
var seedModules = []string{"call_indirect.0.wasm", "elem.0.wasm", "global.0.wasm", "data.0.wasm", "memory_init.0.wasm", "loop.0.wasm",
	"bulk.0.wasm", "table_copy.0.wasm", "ref_func.0.wasm", "simd_lane.0.wasm", "imports.0.wasm"}

var (
	seedOnce sync.Once
	seedObjs [][]byte
	seedErr  error
)

// seeds compiles seedModules (once per process).
func seeds(t testing.TB) [][]byte {
	t.Helper()
	seedOnce.Do(func() {
		for _, name := range seedModules {
			w, err := os.ReadFile(filepath.Join("..", "..", "testdata", "small", name))
			if err != nil {
				seedErr = err
				return
			}
			o, err := compile.Wasm(w, codegen.Default())
			if err != nil {
				seedErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			b, err := link.ELF(o)
			if err != nil {
				seedErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			seedObjs = append(seedObjs, b)
		}
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seedObjs
}

// headerAt returns the file offset of the module header, found as the
// loader finds it (through the section headers), or -1. (debug/elf takes
// seconds on some mutated files; this reads only what it needs.)
func headerAt(b []byte) int {
	le := binary.LittleEndian
	if len(b) < 64 {
		return -1
	}
	shoff, shnum, shstrndx := le.Uint64(b[40:]), uint64(le.Uint16(b[60:])), uint64(le.Uint16(b[62:]))
	if shoff > uint64(len(b)) || shnum > (uint64(len(b))-shoff)/64 || shstrndx >= shnum {
		return -1
	}
	sh := func(i uint64) []byte { return b[shoff+64*i:] }
	strOff, strSize := le.Uint64(sh(shstrndx)[24:]), le.Uint64(sh(shstrndx)[32:])
	if strOff > uint64(len(b)) || strSize > uint64(len(b))-strOff {
		return -1
	}
	names := b[strOff : strOff+strSize]
	for i := uint64(0); i < shnum; i++ {
		name := uint64(le.Uint32(sh(i)))
		if name >= uint64(len(names)) || !bytes.HasPrefix(names[name:], []byte(link.HeaderSection+"\x00")) {
			continue
		}
		off := le.Uint64(sh(i)[24:])
		if off > uint64(len(b)) || uint64(len(b))-off < link.HeaderSize {
			return -1
		}
		return int(off)
	}
	return -1
}

// reseal recomputes both sums of the file b in place, as an attacker who
// crafts an object would, so that what it changed reaches the checks behind
// the checksum. It leaves b alone when it cannot find the header or the
// sections.
func reseal(b []byte) {
	off := headerAt(b)
	if off < 0 {
		return
	}
	h, err := link.DecodeHeader(b[off:])
	if err != nil {
		return
	}
	sec := func(o, n uint64) ([]byte, bool) {
		if o > uint64(len(b)) || n > uint64(len(b))-o {
			return nil, false
		}
		return b[o : o+n], true
	}
	text, ok1 := sec(h.TextOff, h.TextSize)
	meta, ok2 := sec(h.MetaOff, h.MetaSize)
	data, ok3 := sec(h.DataOff, h.DataSize)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	h.Checksum = link.Checksum(&h, text, meta, data)
	h.CRC = link.CRC(&h, text, meta, data)
	copy(b[off:], h.Encode())
}

// craft returns a copy of the object file b whose metadata is changed by
// mutate and then re-sealed. The change must not alter the metadata's
// encoded length (the sections stay where they are).
func craft(t *testing.T, b []byte, mutate func(m *object.Meta)) []byte {
	t.Helper()
	img, err := load.Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	m := *img.Meta
	m.ExpandDatas() // a mutation may edit the segments
	m.Globals = append([]wasm.Global(nil), m.Globals...)
	m.Elems = append([]wasm.Elem(nil), m.Elems...)
	for i := range m.Elems {
		m.Elems[i].Init = append([]wasm.ConstExpr(nil), m.Elems[i].Init...)
	}
	m.Datas = append([]object.Data(nil), m.Datas...)
	m.Exports = append([]wasm.Export(nil), m.Exports...)
	m.Funcs = append([]object.Func(nil), m.Funcs...)
	mutate(&m)
	enc, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(enc)) != img.Header.MetaSize {
		t.Fatalf("crafted metadata is %d bytes, the original %d", len(enc), img.Header.MetaSize)
	}
	out := append([]byte(nil), b...)
	copy(out[img.Header.MetaOff:], enc)
	reseal(out)
	return out
}

// TestCraftedMetadata: objects whose sums are valid but whose metadata
// was crafted are refused with one line naming what is wrong. The first
// two made the loader panic (a global initialised from a global that
// does not exist) and segfault (ref.func of a function that does not
// exist) before the metadata checks covered constant expressions.
func TestCraftedMetadata(t *testing.T) {
	ci := seeds(t)[0] // call_indirect: one global, one element segment
	tests := []struct {
		name   string
		mutate func(m *object.Meta)
		want   string
	}{
		{"global.get of a missing global", func(m *object.Meta) {
			m.Globals[0].Init.Op, m.Globals[0].Init.Index = wasm.OpGlobalGet, 9
		}, "global.get 9: global out of range"},
		{"ref.func out of range", func(m *object.Meta) { m.Elems[0].Init[0].Index = 120 }, "ref.func 120: function out of range"},
		{"element into a missing table", func(m *object.Meta) { m.Elems[0].Table = 3 }, "table 3 out of range"},
		{"element offset of the wrong type", func(m *object.Meta) { m.Elems[0].Offset.Op = wasm.OpI64Const }, "i64 value where i32 is wanted"},
		{"externref items in a funcref table", func(m *object.Meta) { m.Elems[0].Type = wasm.ExternRef }, "externref elements for a funcref table"},
		{"global of the wrong type", func(m *object.Meta) { m.Globals[0].Init.Op = wasm.OpF32Const }, "value where"},
		{"function type out of range", func(m *object.Meta) { m.Funcs[0].TypeIndex = 100 }, "type index 100 out of range"},
		{"overlapping functions", func(m *object.Meta) { m.Funcs[1].CodeOffset = m.Funcs[0].CodeOffset + 1 }, "overlap"},
		{"code past the text", func(m *object.Meta) {
			// The widest size of the same encoded length.
			f := &m.Funcs[len(m.Funcs)-1]
			w := len(binary.AppendUvarint(nil, uint64(f.CodeSize)))
			f.CodeSize = 1<<(7*w) - 1
		}, "outside the"},
		{"export out of range", func(m *object.Meta) { m.Exports[0].Index = 100 }, "index 100 out of range"},
		{"start with parameters", func(m *object.Meta) { m.Start = 1 }, "start function"},
		{"bounds mode", func(m *object.Meta) { m.Bounds = 1; m.MemReserve = 1 << 16 }, ""},
		{"explicit bounds with a reservation", func(m *object.Meta) { m.Bounds = object.BoundsExplicit }, "explicit bounds checks with a reservation"},
		// 32 GiB - 64 KiB: past the 16 GiB default, and the same varint
		// length as the 4 GiB the module asked for (craft rewrites in place).
		{"reservation beyond the host's policy", func(m *object.Meta) { m.MemReserve = 1<<35 - 1<<16 }, "more than this host allows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectLoad(t, craft(t, ci, tt.mutate), tt.want)
		})
	}
}

// TestCraftedImagedData: data segments the loader keeps encoded (all in
// the memory image, object.Meta.Datas) are checked at load as decoded ones
// are: one placed past the initial memory is refused in one line, not
// left to the instance.
func TestCraftedImagedData(t *testing.T) {
	i32 := func(v uint64) object.Const { return object.Const{Op: wasm.OpI32Const, Value: v} }
	o := &object.Object{Meta: object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Datas: []object.Data{
			{Mode: wasm.SegmentActive, Offset: i32(16), Init: []byte("hello")},
			{Mode: wasm.SegmentActive, Offset: i32(65000), Init: make([]byte, 100)},
		}}}
	b, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := load.Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Datas != nil || m.Meta.NumDatas() != 2 {
		t.Fatalf("segments not kept encoded: Datas %v, %d segments", m.Meta.Datas, m.Meta.NumDatas())
	}
	m.Close()
	for _, tt := range []struct {
		name   string
		offset uint64 // segment 1's, of the same encoded length as 65000
		want   string
	}{
		{"fits", 65436, ""},
		{"past initial memory", 65437, "data segment 1: in the memory image but ends at 0x10001, past the 0x10000-byte initial memory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectLoad(t, craft(t, b, func(m *object.Meta) { m.Datas[1].Offset.Value = tt.offset }), tt.want)
		})
	}
}

// expectLoad loads b: accepted when want is "", else refused with one
// line starting "load: " that contains want.
func expectLoad(t *testing.T, b []byte, want string) {
	t.Helper()
	m, err := load.Bytes(b)
	if want == "" { // a change the checks must accept
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		m.Close()
		return
	}
	if err == nil {
		m.Close()
		t.Fatal("accepted")
	}
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "load: ") {
		t.Errorf("error %q, want one line starting \"load: \" containing %q", msg, want)
	}
}

// TestPolicyOption: the host's reservation limit is the host's.
func TestPolicyOption(t *testing.T) {
	b := seeds(t)[0]
	if _, err := load.Bytes(b, load.MaxReservation(1<<30)); !errors.Is(err, load.ErrPolicy) {
		t.Errorf("6 GiB object under a 1 GiB policy: %v, want ErrPolicy", err)
	}
	m, err := load.Bytes(b, load.MaxReservation(6<<30))
	if err != nil {
		t.Fatalf("6 GiB object under a 6 GiB policy: %v", err)
	}
	m.Close()
}

// TestVersionMismatchNamesBoth: an object from a compiler with another
// format refuses to load with both versions named.
func TestVersionMismatchNamesBoth(t *testing.T) {
	b := append([]byte(nil), seeds(t)[0]...)
	off := headerAt(b)
	img, err := load.Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	if img.Header.Compiler == "" {
		t.Fatal("object records no compiler version")
	}
	h := img.Header
	h.FormatVersion++
	h.Compiler = "v9.9.9 0123456789ab"
	copy(b[off:], h.Encode())
	reseal(b)
	_, err = load.Bytes(b)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"v9.9.9 0123456789ab", fmt.Sprint(object.FormatVersion + 1), fmt.Sprint(object.FormatVersion), "this runtime (lucet "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// contract is what an object's machine code was compiled against: its
// text and the metadata the code relies on without checking (indices into
// the instance's tables, the bounds mode, the stubs). Metadata can be
// checked against itself and against the host, never against the code;
// a signature or the compiler's own output vouches for that.
func contract(img *load.Image) [32]byte {
	m := img.Meta
	h := sha256.New()
	h.Write(img.Text)
	fmt.Fprintf(h, "%d %d %d %v|%v|", m.Bounds, m.MemReserve, m.MemGuard, m.Fuel, m.Types)
	for _, im := range m.Imports {
		fmt.Fprintf(h, "i%d %d %d %v;", im.Kind, im.Type, im.Table.Elem, im.Global)
	}
	for _, f := range m.Funcs {
		fmt.Fprintf(h, "f%d %d %d;", f.TypeIndex, f.CodeOffset, f.CodeSize)
	}
	for _, t := range m.Tables {
		fmt.Fprintf(h, "t%d;", t.Elem)
	}
	for _, g := range m.Globals {
		fmt.Fprintf(h, "g%d;", g.Type.Type)
	}
	for _, e := range m.Elems {
		fmt.Fprintf(h, "e%d;", e.Type)
	}
	fmt.Fprintf(h, "%d %d|%v|%v", len(m.Mems), m.NumDatas(), m.EntryStubs, m.ImportStubs)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// FuzzObject mutates real objects, re-seals them so the mutations reach
// the checks behind the sums, and loads them: every result is refused
// with one line or accepted with metadata that passes Check. An accepted
// object whose code contract (see contract) is a seed's is instantiated
// and every export called: traps and link errors are fine, a crash is not.
//
// An input overwrites patch at off within one region of seed object
// seed: the whole file, the metadata, the module header or the data
// image (most of a file is code, which no check can judge; aiming at the
// rest makes most executions reach the metadata checks). When cut is set
// the file is also truncated there.
func FuzzObject(f *testing.F) {
	objs := seeds(f)
	known := map[[32]byte]bool{}
	for i, b := range objs {
		img, err := load.Inspect(b)
		if err != nil {
			f.Fatal(err)
		}
		known[contract(img)] = true
		for r := uint8(0); r < 4; r++ {
			f.Add(uint8(i), r, uint32(8), []byte{0}, uint32(0))
		}
	}
	f.Fuzz(func(t *testing.T, seed, region uint8, off uint32, patch []byte, cut uint32) {
		b := append([]byte(nil), objs[int(seed)%len(objs)]...)
		img, err := load.Inspect(b)
		if err != nil {
			t.Fatal(err)
		}
		h := img.Header
		base, size := uint64(0), uint64(len(b))
		switch region % 4 {
		case 1:
			base, size = h.MetaOff, h.MetaSize
		case 2:
			base, size = uint64(headerAt(b)), link.HeaderSize
		case 3:
			base, size = h.DataOff, h.DataSize
		}
		if size > 0 {
			at := base + uint64(off)%size
			copy(b[at:base+size], patch)
		}
		if cut != 0 && uint64(cut) < uint64(len(b)) {
			b = b[:cut]
		}
		reseal(b)
		m, err := load.Bytes(b)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "load: ") {
				t.Fatalf("error %q: want one line starting \"load: \"", msg)
			}
			return
		}
		defer m.Close()
		mimg, err := load.Inspect(b)
		if err != nil {
			t.Fatalf("loads but Inspect refuses: %v", err)
		}
		if err := m.Meta.Check(len(m.Code)); err != nil {
			t.Fatalf("accepted metadata that fails Check: %v", err)
		}
		if !known[contract(mimg)] {
			return
		}
		run(t, m)
	})
}

// run instantiates m with no imports and calls every exported function
// with zero arguments under a timeout.
func run(t *testing.T, m *load.Module) {
	s, err := execute.NewStore(execute.Config{Timeout: 10 * time.Millisecond, MaxMemoryPages: 256})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	inst, err := s.Instantiate(m, execute.ImportMap{})
	if err != nil {
		return // a link error or a trap in start or a segment
	}
	for _, x := range inst.Exports() {
		if x.Kind != wasm.ExternFunc {
			continue
		}
		fn := inst.Func(x.Name)
		if fn == nil {
			continue
		}
		args := make([]uint64, len(fn.Type().Params))
		fn.Call(args...)
	}
}

// TestSignature: an object signed by a trusted key loads when a signature
// is required; unsigned, signed by another key, or changed after signing
// it is refused, each with its own error.
func TestSignature(t *testing.T) {
	b := seeds(t)[0]
	pub, priv, _ := ed25519.GenerateKey(nil)
	other, otherPriv, _ := ed25519.GenerateKey(nil)
	signed := append([]byte(nil), b...)
	if err := sign.Object(signed, priv); err != nil {
		t.Fatal(err)
	}
	byOther := append([]byte(nil), b...)
	if err := sign.Object(byOther, otherPriv); err != nil {
		t.Fatal(err)
	}
	// Changed after signing and re-sealed: the sums hold, the signature
	// does not.
	tampered := craft(t, signed, func(m *object.Meta) { m.Exports[0].Name = strings.ToUpper(m.Exports[0].Name) })
	// A signature moved onto another object.
	moved := append([]byte(nil), seeds(t)[1]...)
	so, mo := headerAt(signed), headerAt(moved)
	copy(moved[mo+176:mo+272], signed[so+176:so+272])

	if m, err := load.Bytes(signed); err != nil {
		t.Errorf("signed object without a signature required: %v", err)
	} else {
		m.Close()
	}
	if m, err := load.Bytes(signed, load.RequireSignature(other, pub)); err != nil {
		t.Errorf("signed by a trusted key: %v", err)
	} else {
		m.Close()
	}
	for _, tt := range []struct {
		name string
		b    []byte
		keys [][]byte
		want error
	}{
		{"unsigned", b, [][]byte{pub}, load.ErrUnsigned},
		{"other key", byOther, [][]byte{pub}, load.ErrUntrustedKey},
		{"no trusted keys", signed, nil, load.ErrUntrustedKey},
		{"tampered", tampered, [][]byte{pub}, load.ErrBadSignature},
		{"moved", moved, [][]byte{pub}, load.ErrBadSignature},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.so")
			if err := os.WriteFile(path, tt.b, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, get := range []func() (*load.Module, error){
				func() (*load.Module, error) { return load.Bytes(tt.b, load.RequireSignature(tt.keys...)) },
				func() (*load.Module, error) { return load.File(path, load.RequireSignature(tt.keys...)) },
			} {
				m, err := get()
				if err == nil {
					m.Close()
					t.Fatal("accepted")
				}
				if !errors.Is(err, tt.want) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q, want one line wrapping %q", err, tt.want)
				}
			}
		})
	}
}

// A signed object is not executed in place from its file, so rewriting
// the file after the signature was checked cannot change the code.
func TestSignedCodeIsPrivate(t *testing.T) {
	b := append([]byte(nil), seeds(t)[0]...)
	pub, priv, _ := ed25519.GenerateKey(nil)
	if err := sign.Object(b, priv); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.so")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := load.File(path, load.RequireSignature(pub))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	img, _ := load.Inspect(b)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0xcc}, int(img.Header.TextSize)), int64(img.Header.TextOff))
	f.Close()
	if !bytes.Equal(m.Code, img.Text) {
		t.Error("the loaded code changed with the file")
	}
}

// With RequireSignature the signature is checked before the metadata is
// decoded: a signed object whose metadata was replaced by garbage, its
// sums resealed, is refused as a bad signature, the metadata decoder never
// reached. Without a key required the same file fails in that decoder,
// which shows the garbage would have reached it.
func TestSignatureBeforeMetadata(t *testing.T) {
	b := append([]byte(nil), seeds(t)[0]...)
	pub, priv, _ := ed25519.GenerateKey(nil)
	if err := sign.Object(b, priv); err != nil {
		t.Fatal(err)
	}
	img, err := load.Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	h := img.Header
	garbage := b[h.MetaOff : h.MetaOff+h.MetaSize]
	for i := range garbage {
		garbage[i] = 0xff
	}
	reseal(b)
	if _, err := load.Bytes(b); err == nil || errors.Is(err, load.ErrBadSignature) || strings.Contains(err.Error(), "checksum") {
		t.Fatalf("garbage metadata without a key required: %v; want the metadata decoder's refusal", err)
	}
	for _, keys := range [][][]byte{{pub}, {}} {
		if _, err := load.Bytes(b, load.RequireSignature(keys...)); !errors.Is(err, load.ErrBadSignature) && !errors.Is(err, load.ErrUntrustedKey) {
			t.Errorf("keys %d: %v; want a signature refusal before the metadata is decoded", len(keys), err)
		}
	}
}
