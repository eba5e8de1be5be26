package codegen

import (
	"regexp"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestHeldResultShape pins the fold of isa/amd64/callfold.go in guard
// mode: a division's quotient or remainder, stored at a = x & 0xfff8
// right after it, is stored straight from RAX or RDX with no copy first.
func TestHeldResultShape(t *testing.T) {
	held := regexp.MustCompile(`(?m)^i?div [a-z0-9]+\nmov (byte|dword|qword) ptr \[[^]]+\], (al|dl|eax|edx|rax|rdx)$`)
	a := []byte{0x20, 0, 0x41, 0xf8, 0xff, 0x03, 0x71}
	y32 := []byte{0x20, 0, 0x41, 0xff, 0x01, 0x71, 0x41, 1, 0x72}
	cat := ssatest.Cat
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"i32 div_u", cat(a, a, []byte{0x28, 2, 8}, y32, []byte{0x6e, 0x36, 2, 0})},
		{"i32 rem_s", cat(a, a, []byte{0x28, 2, 8}, y32, []byte{0x6f, 0x36, 2, 0})},
		{"i32 div_s store8", cat(a, a, []byte{0x28, 2, 8}, y32, []byte{0x6d, 0x3a, 0, 3})},
		{"i64 rem_u", cat(a, a, []byte{0x29, 3, 8}, y32, []byte{0xad, 0x82, 0x37, 3, 0})},
		{"i64 div_s store32", cat(a, a, []byte{0x29, 3, 8}, y32, []byte{0xad, 0x7f, 0x3e, 2, 4})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ssatest.Module1([]wasm.ValType{wasm.I32}, nil, nil, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: DefaultMemReserve, MemGuard: DefaultMemGuard,
				Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if code := disasm(fc.Code); !held.MatchString(code) {
				t.Errorf("want the division's result stored from RAX or RDX:\n%s", code)
			}
		})
	}
}
