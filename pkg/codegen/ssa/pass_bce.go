package ssa

import (
	"github.com/lucet-go/lucet/pkg/wasm"
)

// elimBoundsChecks drops the explicit bounds check (the memory-length
// operand) of a load or store whose address value was already checked,
// for at least as many bytes, by an access that dominates it: that access
// would have trapped otherwise, and memory never shrinks. The emitter
// still removes repeats inside a block; this pass finds them across
// blocks (an if's arms, a loop body after its header). Accesses of
// unknown width (SIMD) are left alone.
func elimBoundsChecks(f *Func, children domTree) {
	if len(f.Blocks) < 2 || f.NoExplicitChecks {
		return
	}
	checked := scopedMap[*Value, uint64]{m: map[*Value]uint64{}}
	walkScoped(children, f.Entry, &checked, func(b *Block) {
		for _, v := range b.Values {
			n, size := checkedAccess(v)
			if n == 0 {
				continue
			}
			addr := v.Args[0]
			end := uint64(uint32(v.Aux)) + uint64(size)
			if old, ok := checked.m[addr]; ok && old >= end {
				v.Args[n-1].Uses--
				v.Args = v.Args[:n-1]
				continue
			}
			checked.set(addr, end)
		}
	})
}

// checkedAccess returns, for a scalar load or store that carries its
// memory-length operand, its number of operands and access width; 0
// otherwise.
func checkedAccess(v *Value) (int, int) {
	if v.Op != OpLoad && v.Op != OpStore || !explicitlyChecked(v) {
		return 0, 0
	}
	size, _, _ := ScalarAccess(wasm.Opcode(v.Aux2))
	if size == 0 {
		return 0, 0
	}
	return len(v.Args), size
}
