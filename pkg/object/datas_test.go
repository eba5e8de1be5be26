package object_test

import (
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
		var got object.Meta
		if aliased {
			err = got.UnmarshalAliased(b)
		} else {
			err = got.UnmarshalBinary(b)
		}
		if err != nil {
			t.Fatal(err)
		}
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
