package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/object"
)

// A table that never changes size (object.Meta.FixedTables) lives in the
// store's arena, sized to its minimum; one the module exports or grows
// starts there too, with room, and moves when it grows past it. The flag
// comes from an untrusted object, so it can only lower a bound: set on a
// table the code grows, table.grow fails (-1), and set on an exported
// table it is ignored.
func TestFixedTables(t *testing.T) {
	obj := compileFile(t, "testdata/fixedtable.wasm", object.BoundsExplicit)
	if got := obj.Meta.FixedTables; len(got) != 3 || !got[0] || got[1] || got[2] {
		t.Fatalf("FixedTables = %v, want [true false false]", got)
	}
	forged := *obj
	forged.Meta.FixedTables = []bool{true, true, true}
	for _, tc := range []struct {
		name     string
		obj      *object.Object
		room     [3]uint64
		growsBy1 int64
	}{
		{"compiled", obj, [3]uint64{6447, 6447 + 6447/8, 6447 + 6447/8}, 6447},
		{"every flag set", &forged, [3]uint64{6447, 6447 + 6447/8, 6447}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			inst := instantiateObject(t, s, tc.obj, nil)
			for i, tb := range inst.tables {
				if tb.res != nil || tb.room != tc.room[i] {
					t.Errorf("table %d: reserved %v, room %d; want the arena, room %d", i, tb.res != nil, tb.room, tc.room[i])
				}
			}
			if r, err := inst.Func("call").Call(6446); err != nil || r[0] != 7 {
				t.Errorf("call(6446) = %v, %v; want 7", r, err)
			}
			if _, err := inst.Func("call").Call(6447); err == nil {
				t.Error("call(6447) past the fixed table's end did not trap")
			}
			if r, err := inst.Func("grow").Call(0); err != nil || r[0] != 6447 {
				t.Errorf("grow(0) = %v, %v; want 6447", r, err)
			}
			if r, err := inst.Func("grow").Call(1); err != nil || int32(r[0]) != int32(tc.growsBy1) {
				t.Errorf("grow(1) = %v, %v; want %d", r, err, tc.growsBy1)
			}
		})
	}
}
