package codegen

import (
	"regexp"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// selfMov32 matches a 32-bit mov of a register to itself (Intel syntax).
var selfMov32 = regexp.MustCompile(`(?m)^mov (e[a-z]{2}|r\d+d), (e[a-z]{2}|r\d+d)$`)

// TestExtendUShape pins i64.extend_i32_u of an i32 left in the same
// register: no instruction (an i32 in a register has its upper half
// zero), where it was a `mov r32, r32` of the register to itself. Go
// writes every boolean this way (setcc, movzx, and that mov). Each
// function takes i64 (a, b) and returns
// extend_u(a < b) + extend_u(a == b) * a or extend_u((a < b) + (a == b)) * a.
func TestExtendUShape(t *testing.T) {
	a, b := []byte{0x20, 0}, []byte{0x20, 1}
	ext := []byte{0xad}
	tests := []struct {
		name string
		body []byte
	}{
		{"bools", ssatest.Cat(a, b, []byte{0x53}, ext, a, b, []byte{0x51}, ext, a, []byte{0x7e, 0x7c})},
		{"bool sum", ssatest.Cat(a, b, []byte{0x53}, a, b, []byte{0x51, 0x6a}, ext, a, []byte{0x7e})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := []wasm.ValType{wasm.I64, wasm.I64}
			m := ssatest.Module1(ts, ts[:1], nil, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			for _, mv := range selfMov32.FindAllStringSubmatch(code, -1) {
				if mv[1] == mv[2] {
					t.Errorf("%s:\n%s", mv[0], code)
				}
			}
		})
	}
}

// TestAndLow32Shape pins i64 x & 0xffffffff with x dying there (the
// result in x's register): one mov r32, r32, not a load of the mask (it
// has no imm32 form) and an and.
func TestAndLow32Shape(t *testing.T) {
	ts := []wasm.ValType{wasm.I64, wasm.I64}
	body := []byte{0x20, 0, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x20, 1, 0x7e}
	m := ssatest.Module1(ts, ts[:1], nil, body...)
	mach := testMachine
	opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
	fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
	if err != nil {
		t.Fatal(err)
	}
	code := disasm(fc.Code)
	if strings.Contains(code, "and ") || strings.Contains(code, "0xffffffff") || !selfMov32.MatchString(code) {
		t.Errorf("want a mov r32, r32 and no and:\n%s", code)
	}
}
