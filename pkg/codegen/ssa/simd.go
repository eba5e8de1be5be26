package ssa

import (
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Fd is the opcode of the 0xfd-prefixed (SIMD) instruction sub, which
// OpSIMD values carry in Aux2.
func Fd(sub uint32) wasm.Opcode { return wasm.PrefixFD<<16 | wasm.Opcode(sub) }
