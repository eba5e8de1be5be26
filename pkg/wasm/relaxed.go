package wasm

import (
	"errors"
	"fmt"
)

// ErrRelaxedSIMD is wrapped by the error for an instruction of the
// relaxed SIMD proposal (0xFD 0x100-0x113). lucet implements the
// fixed-width SIMD of WebAssembly 2.0 only. Relaxed SIMD lets results
// depend on the hardware; rather than pick one host's behaviour per op, a
// module that uses it is rejected with the instruction's name.
var ErrRelaxedSIMD = errors.New("relaxed SIMD proposal")

var relaxedSIMDNames = [...]string{
	"i8x16.relaxed_swizzle",
	"i32x4.relaxed_trunc_f32x4_s", "i32x4.relaxed_trunc_f32x4_u",
	"i32x4.relaxed_trunc_f64x2_s_zero", "i32x4.relaxed_trunc_f64x2_u_zero",
	"f32x4.relaxed_madd", "f32x4.relaxed_nmadd", "f64x2.relaxed_madd", "f64x2.relaxed_nmadd",
	"i8x16.relaxed_laneselect", "i16x8.relaxed_laneselect", "i32x4.relaxed_laneselect", "i64x2.relaxed_laneselect",
	"f32x4.relaxed_min", "f32x4.relaxed_max", "f64x2.relaxed_min", "f64x2.relaxed_max",
	"i16x8.relaxed_q15mulr_s", "i16x8.relaxed_dot_i8x16_i7x16_s", "i32x4.relaxed_dot_i8x16_i7x16_add_s",
}

// relaxedSIMDError returns the error for SIMD sub-opcode sub if it belongs
// to the relaxed SIMD proposal, else nil.
func relaxedSIMDError(sub uint32) error {
	if sub < 0x100 || sub-0x100 >= uint32(len(relaxedSIMDNames)) {
		return nil
	}
	return fmt.Errorf("module uses the %w (%s), which is not supported", ErrRelaxedSIMD, relaxedSIMDNames[sub-0x100])
}
