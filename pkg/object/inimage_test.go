package object_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// inImage is objtest.Small's metadata as link writes it: the active
// segments' bytes left to the memory image.
func inImage() *object.Object {
	o := objtest.Small()
	for i, d := range o.Meta.Datas {
		if d.Mode == wasm.SegmentActive {
			o.Meta.Datas[i] = object.Data{Mode: d.Mode, Offset: d.Offset, InImage: true, Len: uint32(len(d.Init))}
		}
	}
	return o
}

// TestInImage: segments stored in the image round-trip through the
// encoding, keep their size, and Check refuses every InImage segment the
// image could not represent or that could trap.
func TestInImage(t *testing.T) {
	o := inImage()
	if err := o.Meta.Check(len(o.Text)); err != nil {
		t.Fatalf("valid object refused: %v", err)
	}
	if !o.Meta.InImage() || objtest.Small().Meta.InImage() {
		t.Errorf("Meta.InImage wrong")
	}
	if got := o.Meta.Datas[0].Size(); got != 13 {
		t.Errorf("Size = %d, want 13", got)
	}
	b, err := o.Meta.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got object.Meta
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, o.Meta) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got.Datas, o.Meta.Datas)
	}
	bad := o.Meta
	bad.Datas = append([]object.Data(nil), o.Meta.Datas...)
	bad.Datas[0].Init = []byte{1}
	if _, err := bad.MarshalBinary(); err == nil {
		t.Errorf("marshalled a segment with bytes in the image and of its own")
	}

	for _, tt := range []struct {
		name   string
		mutate func(m *object.Meta)
		want   string
	}{
		{"passive", func(m *object.Meta) { m.Datas[2] = object.Data{Mode: wasm.SegmentPassive, InImage: true, Len: 7} }, "not active"},
		{"one active outside", func(m *object.Meta) { m.Datas[1] = objtest.Small().Meta.Datas[1] }, "not in the memory image"},
		{"bytes of its own", func(m *object.Meta) { m.Datas[0].Init = []byte("x") }, "bytes of its own"},
		{"length outside", func(m *object.Meta) { m.Datas[2].Len = 3 }, "outside the memory image"},
		{"global offset", func(m *object.Meta) {
			m.Datas[0].Offset = object.Const{Op: wasm.OpGlobalGet, Index: 0}
		}, "without a constant offset"},
		{"past initial memory", func(m *object.Meta) { m.Datas[1].Offset.Value = 65534 }, "past the 0x10000-byte initial memory"},
		{"offset wraps", func(m *object.Meta) { m.Datas[1].Offset.Value = 0xffffffff }, "past"},
		{"imported memory", func(m *object.Meta) {
			m.Imports = append(m.Imports, wasm.Import{Module: "env", Name: "mem", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: wasm.Limits{Min: 1}}})
		}, "memory 0 the module defines"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := inImage()
			tt.mutate(&o.Meta)
			err := o.Meta.Check(len(o.Text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
