package object_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestMetaRoundTrip(t *testing.T) {
	small := objtest.Small().Meta
	v128 := small
	v128.Globals = append([]wasm.Global(nil), small.Globals...)
	v128.Globals = append(v128.Globals, wasm.Global{
		Type: wasm.GlobalType{Type: wasm.V128},
		Init: wasm.ConstExpr{Op: wasm.OpV128Const, V128: [16]byte{1, 2, 3, 15: 0xff}, NumInstrs: 1, NonConst: true, Offset: 1234},
	})
	v128.Start = 3
	v128.Sites = []object.Site{{CodeOffset: 0}, {CodeOffset: 0xffffffff, Code: abi.TrapUndefinedElement, Func: 7, WasmOffset: 0xffffffff}}

	tests := []struct {
		name string
		meta object.Meta
	}{
		{"empty", object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}},
		{"small", small},
		{"fuel", object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1, Fuel: true}},
		{"fixed tables", object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
			Tables:      []wasm.TableType{{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 6447}}, {Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1}}},
			FixedTables: []bool{true, false}}},
		{"v128 and extremes", v128},
		{"all imports", object.Meta{
			FormatVersion: object.FormatVersion,
			Imports: []wasm.Import{
				{Module: "m", Name: "f", Kind: wasm.ExternFunc, Type: 3},
				{Module: "m", Name: "t", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.ExternRef, Limits: wasm.Limits{Min: 1}}},
				{Module: "m", Name: "mem", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: wasm.Limits{Min: 1, Max: 65536, HasMax: true}}},
				{Module: "m", Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I64, Mutable: true}},
			},
			Start:      -1,
			EntryStubs: []uint32{object.NoStub, 0xfffffffe, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.meta.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got object.Meta
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.meta) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", got, tt.meta)
			}
			// Decoding must not alias the input.
			for i := range b {
				b[i] = 0
			}
			if !reflect.DeepEqual(got, tt.meta) {
				t.Errorf("decoded meta aliases the input buffer")
			}
		})
	}
}

// hdr is the start of an encoded Meta of this format version.
func hdr() []byte { return []byte{'L', 'M', 'E', 'T', object.FormatVersion} }

func TestMetaUnmarshalErrors(t *testing.T) {
	good, err := objtest.Small().Meta.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	other := objtest.Small().Meta
	other.FormatVersion = object.FormatVersion + 1
	if _, err := other.MarshalBinary(); err == nil {
		t.Errorf("marshal of a foreign format version succeeded")
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"bad magic", []byte("ELF\x7f\x01"), "bad magic"},
		{"future version", append([]byte("LMET"), object.FormatVersion+1), "format version"},
		{"trailing", append(append([]byte(nil), good...), 0), "trailing"},
		{"huge count", append(append(hdr(), 1, 0, 0, 0, 0, 0, 0), 0xff, 0xff, 0xff, 0xff, 0x0f), "exceeds"},
		{"bad fuel flag", append(hdr(), 1, 0, 0, 0, 0, 2, 0), "fuel flag"},
		{"varint overflow", append(hdr(), bytes.Repeat([]byte{0xff}, 11)...), "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m object.Meta
			err := m.UnmarshalBinary(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("UnmarshalBinary = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// Every proper prefix is refused as truncated (never accepted, never a panic).
	for n := 0; n < len(good); n++ {
		var m object.Meta
		err := m.UnmarshalBinary(good[:n])
		if err == nil {
			t.Fatalf("prefix of %d/%d bytes accepted", n, len(good))
		}
		if n >= 5 && !errors.Is(err, object.ErrMetaTruncated) {
			t.Errorf("prefix of %d bytes: %v, want truncated", n, err)
		}
	}
}

func TestMetaCheck(t *testing.T) {
	o := objtest.Small()
	if err := o.Meta.Check(len(o.Text)); err != nil {
		t.Fatalf("Small does not pass Check: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(m *object.Meta)
		want   string
	}{
		{"func outside text", func(m *object.Meta) { m.Funcs[0].CodeSize = 0x1000 }, "outside"},
		{"func type", func(m *object.Meta) { m.Funcs[1].TypeIndex = 9 }, "type index"},
		{"import type", func(m *object.Meta) { m.Imports[0].Type = 3 }, "type index"},
		{"entry stub", func(m *object.Meta) { m.EntryStubs[0] = 0x1000 }, "entry stub"},
		{"too many entry stubs", func(m *object.Meta) { m.EntryStubs = append(m.EntryStubs, 0, 0) }, "entry stubs"},
		{"host stub", func(m *object.Meta) { m.ImportStubs[0] = 0x1000 }, "host-call stub"},
		{"export index", func(m *object.Meta) { m.Exports[0].Index = 4 }, "out of range"},
		{"start", func(m *object.Meta) { m.Start = 4 }, "start"},
		{"unsorted sites", func(m *object.Meta) { m.Sites[0], m.Sites[1] = m.Sites[1], m.Sites[0] }, "sorted"},
		{"site outside", func(m *object.Meta) { m.Sites[2].CodeOffset = 0x1000 }, "outside"},
		{"label outside", func(m *object.Meta) { m.Labels[0].Size = 3 }, "label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			tt.mutate(&o.Meta)
			err := o.Meta.Check(len(o.Text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzUnmarshalMeta(f *testing.F) {
	good, err := objtest.Small().Meta.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(hdr())
	empty, _ := (&object.Meta{FormatVersion: object.FormatVersion, Start: -1}).MarshalBinary()
	f.Add(empty)
	// The passes that size the value-type block and the stub tables
	// ahead of the decoding: types whose lists end early or hold a bad
	// type, and stub tables cut short at each end.
	pre := append(hdr(), abi.Version, 0, 0, 0, 0, 0, 0)
	f.Add(append(append([]byte(nil), pre...), 2, 1, 0x7f, 0, 1, 0x55, 0))
	f.Add(append(append([]byte(nil), pre...), 2, 1, 0x7f, 0, 3, 0x7f))
	stubs, _ := (&object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}}}, EntryStubs: []uint32{object.NoStub, 300}, ImportStubs: []uint32{5}}).MarshalBinary()
	f.Add(stubs)
	f.Add(stubs[:len(stubs)-4])
	// InImage data segments, decoded by a loop of their own.
	imaged, _ := (&object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1, Datas: []object.Data{
		{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const, Value: 1 << 20}, Len: 300},
		{Mode: wasm.SegmentPassive, Init: []byte{1}},
		{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI64Const, Value: 1 << 40}, Len: 7}}}).MarshalBinary()
	f.Add(imaged)
	// Segments of the image's one shape, kept encoded.
	encoded, _ := (&object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}, Datas: []object.Data{
			{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const, Value: 0x80}, Len: 300},
			{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const, Value: 7}, Len: 1}}}).MarshalBinary()
	f.Add(encoded)
	f.Fuzz(func(t *testing.T, b []byte) {
		var m, aliased object.Meta
		err := m.UnmarshalBinary(b)
		aerr := aliased.UnmarshalAliased(b)
		if (err == nil) != (aerr == nil) {
			t.Fatalf("copying decode: %v; aliasing decode: %v", err, aerr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(m, aliased) {
			t.Fatalf("aliasing decode differs from copying decode")
		}
		// Whatever decodes must re-encode to the same bytes, which proves
		// the decoder read every field the encoder wrote.
		again, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("re-marshal: %v", err)
		}
		var m2 object.Meta
		if err := m2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		// Segments in non-canonical varints decode into Datas, their
		// re-encoding may stay encoded (Meta.Datas): compare the segments.
		m.ExpandDatas()
		m2.ExpandDatas()
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("decode(encode(decode(b))) != decode(b)")
		}
	})
}

// UnmarshalAliased gives what UnmarshalBinary gives, with the site table
// and the data bytes left in the input (copied instead when the input is
// not aligned for Site); UnmarshalBinary never aliases.
func TestUnmarshalAliased(t *testing.T) {
	want := objtest.Small().Meta
	enc, err := want.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Sites) == 0 || len(want.Datas) == 0 {
		t.Fatal("objtest.Small has no sites or data to alias")
	}
	within := func(p unsafe.Pointer, b []byte) bool {
		a, lo := uintptr(p), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		return a >= lo && a < lo+uintptr(len(b))
	}
	aligned := make([]byte, len(enc)+8)[:len(enc)] // heap slices are 8-aligned
	copy(aligned, enc)
	odd := make([]byte, len(enc)+1)[1:]
	copy(odd, enc)
	for _, tt := range []struct {
		name       string
		b          []byte
		alias      bool
		sitesAlias bool
	}{
		{"copying", aligned, false, false},
		{"aliasing", aligned, true, true},
		{"aliasing, misaligned", odd, true, false},
	} {
		var m object.Meta
		if tt.alias {
			err = m.UnmarshalAliased(tt.b)
		} else {
			err = m.UnmarshalBinary(tt.b)
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("%s: decoded meta differs", tt.name)
		}
		if got := within(unsafe.Pointer(&m.Sites[0]), tt.b); got != tt.sitesAlias {
			t.Errorf("%s: sites in the input: %v, want %v", tt.name, got, tt.sitesAlias)
		}
		for i, d := range m.Datas {
			if len(d.Init) > 0 && within(unsafe.Pointer(&d.Init[0]), tt.b) != tt.alias {
				t.Errorf("%s: data %d in the input: %v, want %v", tt.name, i, !tt.alias, tt.alias)
			}
		}
	}
}

// MarshalInImage must encode what MarshalBinary encodes of the same meta
// with its active segments marked InImage, and leave m as it was.
func TestMarshalInImage(t *testing.T) {
	mixed := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Datas: []object.Data{
			{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: 16}, Init: []byte("abc")},
			{Mode: wasm.SegmentPassive, Init: []byte("passive")},
			{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: 1 << 20}},
			{Mode: wasm.SegmentActive, Mem: 0, Offset: object.Const{Op: wasm.OpI32Const, Value: 3}, Init: make([]byte, 70000)},
		}}
	for _, tt := range []struct {
		name string
		meta object.Meta
	}{
		{"no data", object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}},
		{"small", objtest.Small().Meta},
		{"active, passive and empty", mixed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.meta
			want.Datas = make([]object.Data, len(tt.meta.Datas))
			for i, d := range tt.meta.Datas {
				if d.Mode == wasm.SegmentActive {
					d = object.Data{Mode: d.Mode, Mem: d.Mem, Offset: d.Offset, InImage: true, Len: uint32(len(d.Init))}
				}
				want.Datas[i] = d
			}
			wantB, err := want.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.meta.MarshalInImage()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, wantB) {
				t.Errorf("MarshalInImage differs from MarshalBinary of the imaged copy")
			}
			var back object.Meta
			if err := back.UnmarshalBinary(got); err != nil {
				t.Fatal(err)
			}
			if len(want.Datas) > 0 && !reflect.DeepEqual(back.Datas, want.Datas) {
				t.Errorf("decoded datas %+v, want %+v", back.Datas, want.Datas)
			}
			for i, d := range tt.meta.Datas {
				if d.InImage {
					t.Errorf("data %d: marked InImage in the caller's meta", i)
				}
			}
		})
	}
}
