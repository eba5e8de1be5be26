package execute

import "github.com/lucet-go/lucet/pkg/wasm"

// Slots is the number of 64-bit slots values of types ts take in
// Func.Call's arguments and results: one each, two for a v128 (low half
// first, as in memory).
func Slots(ts []wasm.ValType) int {
	n := 0
	for _, t := range ts {
		n++
		if t == wasm.V128 {
			n++
		}
	}
	return n
}
