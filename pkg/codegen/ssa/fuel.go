package ssa

import (
	"github.com/lucet-go/lucet/pkg/wasm"
)

// FuelFree reports whether op costs no fuel.
func FuelFree(op wasm.Opcode) bool {
	switch op {
	case wasm.OpNop, wasm.OpDrop, wasm.OpBlock, wasm.OpLoop, wasm.OpEnd, wasm.OpElse:
		return true
	}
	return false
}
