package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
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
