package wasm

import (
	"errors"
	"strings"
	"testing"
)

// Relaxed SIMD instructions are rejected by name; other unknown SIMD
// opcodes stay illegal opcodes.
func TestRelaxedSIMDRejected(t *testing.T) {
	for _, tc := range []struct {
		body []byte
		want string
		err  error
	}{
		{[]byte{0xFD, 0x85, 0x02}, "relaxed SIMD proposal (f32x4.relaxed_madd)", ErrRelaxedSIMD},
		{[]byte{0xFD, 0x80, 0x02}, "relaxed SIMD proposal (i8x16.relaxed_swizzle)", ErrRelaxedSIMD},
		{[]byte{0xFD, 0x93, 0x02}, "(i32x4.relaxed_dot_i8x16_i7x16_add_s)", ErrRelaxedSIMD},
		{[]byte{0xFD, 0x94, 0x02}, "illegal opcode 0xfd 276", ErrIllegalOpcode},
	} {
		var r Reader
		r.Reset(tc.body)
		_, err := r.Next()
		if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("% x: got %v, want %q", tc.body, err, tc.want)
		}
	}
}
