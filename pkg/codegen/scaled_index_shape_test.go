package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestScaledIndexShape pins ssa.fuseScaledIndexes at -O 2 with guard
// pages: a table lookup T[(x & 255) ^ (x >> 24)] (crc32's T[c ^ *p]) at
// that << 2 reads [membase + index*4 + disp] with no shl, and so does a
// store at (x >> 29) << 3; x << 2, whose x may reach 2^30 (the address
// wraps), keeps its shl, as does a shift also used as a value.
func TestScaledIndexShape(t *testing.T) {
	get := []byte{0x20, 0}
	c := func(v int32) []byte { return append([]byte{0x41}, sleb(int64(v))...) }
	idx := catBytes(get, c(255), []byte{0x71}, get, c(24), []byte{0x76, 0x73}) // (x & 255) ^ (x >> 24)
	tests := []struct {
		name   string
		body   []byte
		scaled string // the scaled index the access must use; "" for none
		shl    bool   // whether a shl must remain
	}{
		{"load T[idx]", catBytes(idx, c(2), []byte{0x74, 0x28, 2, 16}), "+4*r", false},
		{"store at (x>>29)<<3", catBytes(get, c(29), []byte{0x76}, c(3), []byte{0x74}, get, []byte{0x36, 2, 8}, c(0)), "+8*r", false},
		{"load8 at (x&0x7fffffff)<<1", catBytes(get, c(0x7fffffff), []byte{0x71}, c(1), []byte{0x74, 0x2d, 0, 0}), "+2*r", false},
		{"v128 at (x&0xfff)<<3", catBytes(get, c(0xfff), []byte{0x71}, c(3), []byte{0x74, 0xfd, 0x00, 4, 8, 0xfd, 0x1b, 1}), "+8*r", false},
		// One shift (gvn) read by two loads: a copy for each.
		{"two loads", catBytes(idx, c(2), []byte{0x74, 0x28, 2, 16}, idx, c(2), []byte{0x74, 0x28, 2, 32, 0x6a}), "+4*r", false},
		{"load x<<2 may wrap", catBytes(get, c(2), []byte{0x74, 0x28, 2, 16}), "", true},
		{"load (x>>1)<<2 may wrap", catBytes(get, c(1), []byte{0x76}, c(2), []byte{0x74, 0x28, 2, 16}), "", true},
		{"shift also a value", catBytes(idx, c(2), []byte{0x74, 0x22, 1, 0x28, 2, 16, 0x20, 1, 0x6a}), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: DefaultMemReserve, MemGuard: DefaultMemGuard,
				Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			if got := strings.Contains(code, "shl "); got != tc.shl {
				t.Errorf("shl present %v, want %v:\n%s", got, tc.shl, code)
			}
			if tc.scaled != "" && !strings.Contains(code, tc.scaled) {
				t.Errorf("no scaled index %q:\n%s", tc.scaled, code)
			}
		})
	}
}

func catBytes(bs ...[]byte) (r []byte) {
	for _, b := range bs {
		r = append(r, b...)
	}
	return r
}

// sleb is the signed LEB128 encoding of v.
func sleb(v int64) (r []byte) {
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 && b&0x40 == 0 || v == -1 && b&0x40 != 0 {
			return append(r, b)
		}
		r = append(r, b|0x80)
	}
}
