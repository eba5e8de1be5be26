// Package ssatest builds small one-function modules and their optimized
// SSA for the tests of the compiler's stages, so each stage's tests can
// live in its own package and share one way to make their input.
package ssatest

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Module1 builds a module with one function of the given signature,
// locals and body (the final end is appended), and one memory.
func Module1(params, results []wasm.ValType, locals []wasm.LocalEntry, body ...byte) *wasm.Module {
	n := uint32(0)
	for _, l := range locals {
		n += l.Count
	}
	return &wasm.Module{
		Types: []wasm.FuncType{{Params: params, Results: results}},
		Funcs: []uint32{0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{{Locals: locals, NumLocals: n, Body: append(body, byte(wasm.OpEnd))}},
	}
}

// I32s is the signature list of one i32.
var I32s = []wasm.ValType{wasm.I32}

// SumLoop is a body in which local 1 accumulates local 0 counting down;
// local 2 is never written in the loop. It needs two i32 locals.
var SumLoop = []byte{
	0x03, 0x40, // loop
	0x20, 1, 0x20, 0, 0x6a, 0x21, 1, // l1 += l0
	0x20, 0, 0x41, 1, 0x6b, 0x22, 0, // l0 -= 1 (tee)
	0x0d, 0, // br_if 0
	0x0b,                   // end
	0x20, 1, 0x20, 2, 0x6a, // l1 + l2
}

// Build returns function 0 of m in SSA form, optimized at level 2.
func Build(t testing.TB, m *wasm.Module) *ssa.Func {
	t.Helper()
	f, err := frontend.BuildSSA(m, 0, &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, 2)
	return f
}

// CountOps counts the values of f with op.
func CountOps(f *ssa.Func, op ssa.Op) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == op {
				n++
			}
		}
	}
	return n
}

// Cat concatenates pieces of a body.
func Cat(parts ...[]byte) (out []byte) {
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
