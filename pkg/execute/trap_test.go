package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFrameAtSharedOffset: a call's return address and a trap site can
// share a code offset (a guarded access right after a call); the trapping
// PC takes the trap's entry, a return address the call's.
func TestFrameAtSharedOffset(t *testing.T) {
	m := &module{
		meta: &object.Meta{
			Funcs: []object.Func{{Name: "f", CodeOffset: 0, CodeSize: 0x40}},
			Sites: []object.Site{
				{CodeOffset: 0x10, Code: abi.SiteCall, WasmOffset: 0x20},
				{CodeOffset: 0x10, Code: abi.TrapMemoryOutOfBounds, WasmOffset: 0x25},
				{CodeOffset: 0x18, Code: abi.TrapUnreachable, WasmOffset: 0x30},
			},
		},
		byOffset: []int{0},
	}
	tests := []struct {
		off  uint32
		want abi.TrapCode
		wasm uint32
	}{
		{0x10, abi.SiteCall, 0x20},
		{0x10, abi.TrapMemoryOutOfBounds, 0x25},
		{0x10, abi.TrapIntegerOverflow, 0x20}, // no entry of that kind: the first at the offset
		{0x18, abi.SiteCall, 0x30},
		{0x14, abi.SiteCall, 0}, // no site: the function from the code ranges
	}
	for _, tt := range tests {
		fr, ok := m.frameAt(tt.off, tt.want)
		if !ok || fr.Func != "f" || fr.WasmOffset != tt.wasm {
			t.Errorf("frameAt(%#x, %v) = %+v, %v; want f @%#x", tt.off, tt.want, fr, ok, tt.wasm)
		}
	}
}

// TestFuncAtOffsetOrder: newModule indexes the functions by code offset
// only when meta.Funcs is out of code order (lucetc writes it in order);
// funcAtOffset finds the function whose code holds the offset either way,
// and none in a gap between functions or past the last.
func TestFuncAtOffsetOrder(t *testing.T) {
	inOrder := []object.Func{{CodeOffset: 0x00, CodeSize: 0x20}, {CodeOffset: 0x20, CodeSize: 0x10}, {CodeOffset: 0x40, CodeSize: 0x30}}
	shuffled := []object.Func{inOrder[2], inOrder[0], inOrder[1]}
	for _, c := range []struct {
		name    string
		funcs   []object.Func
		indexed bool
	}{
		{"in order", inOrder, false},
		{"out of order", shuffled, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			meta := &object.Meta{ABIVersion: abi.Version, Types: []wasm.FuncType{{}}, Funcs: c.funcs}
			m, err := newModule(meta, 0x1000, 0x80)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.byOffset != nil; got != c.indexed {
				t.Errorf("byOffset made: %v, want %v", got, c.indexed)
			}
			found := 0
			for off := uint32(0); off < 0x80; off++ {
				want, has := 0, false
				for i, f := range c.funcs {
					if off >= f.CodeOffset && off < f.CodeOffset+f.CodeSize {
						want, has = i, true
					}
				}
				got, ok := m.funcAtOffset(off)
				if ok != has || got != want {
					t.Errorf("funcAtOffset(%#x) = %d, %v; want %d, %v", off, got, ok, want, has)
				}
				if ok {
					found++
				}
			}
			if found != 0x60 {
				t.Errorf("%#x offsets in a function, want 0x60", found)
			}
		})
	}
}
