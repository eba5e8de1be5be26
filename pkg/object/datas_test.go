package object_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// InImage data segments are decoded by a loop of their own (a big module
// has tens of thousands): values of every varint length decode exactly,
// those past its five bytes included, beside segments that take the
// general way, and a field out of range is refused as before.
func TestUnmarshalImagedData(t *testing.T) {
	m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}
	for _, v := range []uint64{0, 0x7f, 0x80, 1<<28 - 1, 1 << 28, 1<<35 - 1, 1 << 35, 1<<64 - 1} {
		m.Datas = append(m.Datas,
			object.Data{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI64Const, Value: v}, Len: uint32(v)},
			object.Data{Mode: wasm.SegmentActive, InImage: true, Mem: uint32(v >> 32), Offset: object.Const{Op: wasm.OpGlobalGet, Index: uint32(v)}, Len: 1<<32 - 1},
			object.Data{Mode: wasm.SegmentPassive, Init: []byte{byte(v)}})
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, aliased := range []bool{false, true} {
		got := unmarshal(t, b, aliased)
		if !reflect.DeepEqual(got.Datas, m.Datas) {
			t.Errorf("aliased %v: round trip differs:\n got %+v\nwant %+v", aliased, got.Datas, m.Datas)
		}
	}

	// One segment whose memory index is past 32 bits.
	one := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Datas: []object.Data{{Mode: wasm.SegmentActive, InImage: true, Mem: 0x7f, Len: 3}}}
	b, err = one.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// The encoding ends: data count, segment (mode, mem, op, index,
	// value, len), entry and import stub counts, site count, padding,
	// label count. Widen the one-byte memory index to six bytes.
	i := strings.Index(string(b), "\x01\x80\x7f\x00\x00\x00\x03")
	if i < 0 {
		t.Fatalf("segment not found in % x", b)
	}
	bad := append(append(append([]byte(nil), b[:i+2]...), 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), b[i+3:]...)
	var got object.Meta
	if err := got.UnmarshalBinary(bad); err == nil || !strings.Contains(err.Error(), "does not fit 32 bits") {
		t.Errorf("memory index past 32 bits: %v, want it refused", err)
	}
}

// Data segments of the shape link gives a memory image (active, InImage,
// memory 0, an i32.const offset, canonical varints) stay encoded after
// decoding (Datas nil) and are read back through DataSegments exactly as
// the general decoding would give them; anything else is decoded into
// Datas as before. Check refuses an encoded segment as it refuses the same
// segment in Datas, and re-encoding gives the bytes decoded.
func TestImagedDatasKeptEncoded(t *testing.T) {
	img := func(off uint64, n uint32) object.Data {
		return object.Data{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const, Value: off}, Len: n}
	}
	const page = 65536
	for _, tt := range []struct {
		name    string
		datas   []object.Data
		edit    func(b []byte) []byte // applied to the encoding
		encoded bool                  // kept encoded (Datas nil)
		check   string                // Check's error, "" for none
	}{
		{name: "linker shape", encoded: true,
			datas: []object.Data{img(0, 0), img(0x7f, 0x80), img(0x80, 0x3fff), img(0x4000, 1), img(page-1, 1), img(16, page-16)}},
		{name: "one", encoded: true, datas: []object.Data{img(8, 8)}},
		{name: "past initial memory", encoded: true, datas: []object.Data{img(8, 8), img(page-1, 2)}, check: "past the 0x10000-byte initial memory"},
		{name: "offset past 32 bits", datas: []object.Data{img(8, 8), img(1<<32, 0)}},
		{name: "passive beside", datas: []object.Data{img(8, 8), {Mode: wasm.SegmentPassive, Init: []byte("p")}}},
		{name: "global offset", datas: []object.Data{img(8, 8), {Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpGlobalGet}, Len: 1}},
			check: "global out of range"},
		{name: "memory 1", datas: []object.Data{{Mode: wasm.SegmentActive, InImage: true, Mem: 1, Offset: object.Const{Op: wasm.OpI32Const}, Len: 1}},
			check: "memory 1 out of range"},
		// The offset 5 and the length 3 in three bytes each (85 80 00,
		// 83 80 00; four more bytes keep the site table's padding): not
		// canonical, so decoded the general way, to the same values.
		{name: "overlong varint", datas: []object.Data{img(5, 3)}, edit: func(b []byte) []byte {
			i := strings.Index(string(b), "\x80\x00\x41\x00\x05\x03")
			if i < 0 {
				t.Fatalf("segment not found in % x", b)
			}
			return append(append(append([]byte(nil), b[:i+4]...), 0x85, 0x80, 0x00, 0x83, 0x80, 0x00), b[i+6:]...)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
				Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}, Datas: tt.datas}
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				b = tt.edit(b)
			}
			wantCheck := m.Check(0)
			if (wantCheck == nil) != (tt.check == "") || wantCheck != nil && !strings.Contains(wantCheck.Error(), tt.check) {
				t.Fatalf("Check of the built Meta: %v, want %q", wantCheck, tt.check)
			}
			for _, aliased := range []bool{false, true} {
				got := unmarshal(t, b, aliased)
				if (got.Datas == nil) != tt.encoded {
					t.Errorf("aliased %v: kept encoded %v, want %v", aliased, got.Datas == nil, tt.encoded)
				}
				var segs []object.Data
				for i, d := range got.DataSegments() {
					if i != len(segs) {
						t.Fatalf("index %d yielded after %d segments", i, len(segs))
					}
					segs = append(segs, d)
				}
				if got.NumDatas() != len(tt.datas) || !reflect.DeepEqual(segs, tt.datas) {
					t.Errorf("aliased %v: %d segments %+v, want %+v", aliased, got.NumDatas(), segs, tt.datas)
				}
				if err := got.Check(0); fmt.Sprint(err) != fmt.Sprint(wantCheck) {
					t.Errorf("aliased %v: Check of the decoded Meta: %v, want %v", aliased, err, wantCheck)
				}
				again, err := got.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				if tt.edit == nil && !bytes.Equal(again, b) {
					t.Errorf("aliased %v: re-encoding differs", aliased)
				}
				got.ExpandDatas()
				if !reflect.DeepEqual(got.Datas, tt.datas) {
					t.Errorf("aliased %v: expanded %+v, want %+v", aliased, got.Datas, tt.datas)
				}
				if again2, err := got.MarshalBinary(); err != nil || !bytes.Equal(again2, again) {
					t.Errorf("aliased %v: encoding after ExpandDatas differs (%v)", aliased, err)
				}
			}
		})
	}
}

// Decoding segments kept encoded allocates nothing per segment: the
// aliasing decode of 10,000 allocates as much as that of one (the copying
// decode one copy of their bytes more).
func TestImagedDatasAllocs(t *testing.T) {
	enc := func(n int) []byte {
		m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
			Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}}
		for i := range n {
			m.Datas = append(m.Datas, object.Data{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const, Value: uint64(i)}, Len: 1})
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	allocs := func(b []byte, aliased bool) float64 {
		return testing.AllocsPerRun(20, func() {
			var m object.Meta
			var err error
			if aliased {
				err = m.UnmarshalAliased(b)
			} else {
				err = m.UnmarshalBinary(b)
			}
			if err != nil || m.Check(0) != nil {
				t.Fatal(err)
			}
		})
	}
	one, many := enc(1), enc(10000)
	for _, aliased := range []bool{false, true} {
		if a, b := allocs(one, aliased), allocs(many, aliased); a != b {
			t.Errorf("aliased %v: %v allocations for one segment, %v for 10,000", aliased, a, b)
		}
	}
}

// A Meta that keeps segments encoded and has others put in Datas is
// refused, not silently half-written.
func TestImagedDatasAndDatasRefused(t *testing.T) {
	m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Datas: []object.Data{{Mode: wasm.SegmentActive, InImage: true, Offset: object.Const{Op: wasm.OpI32Const}, Len: 1}}}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got object.Meta
	if err := got.UnmarshalBinary(b); err != nil || got.Datas != nil {
		t.Fatalf("decode: %v, Datas %v", err, got.Datas)
	}
	got.Datas = []object.Data{{Mode: wasm.SegmentPassive}}
	if _, err := got.MarshalBinary(); err == nil || !strings.Contains(err.Error(), "ExpandDatas") {
		t.Errorf("MarshalBinary: %v, want a refusal naming ExpandDatas", err)
	}
	if err := got.Check(0); err == nil || !strings.Contains(err.Error(), "ExpandDatas") {
		t.Errorf("Check: %v, want a refusal naming ExpandDatas", err)
	}
}

// unmarshal decodes b, aliasing it or not.
func unmarshal(t *testing.T, b []byte, aliased bool) *object.Meta {
	t.Helper()
	var got object.Meta
	var err error
	if aliased {
		err = got.UnmarshalAliased(b)
	} else {
		err = got.UnmarshalBinary(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &got
}
