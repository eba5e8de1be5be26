package codegen_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFastExit runs functions whose entry compares parameters (with each
// other or a constant, every integer comparison, i32 and i64) and returns
// a parameter or a constant on one side of the branch, the early return
// isa/amd64/fastexit.go takes before the prologue, and calls on the
// other. -O 2 must agree with -O 0 in both bounds modes on every argument
// pair, and at -O 2 the functions whose shape allows it must not start
// with push rbp (the shape check fails without fastExit).
func TestFastExit(t *testing.T) {
	type fn struct{ name string }
	ops := []struct {
		name  string
		i32   byte
		i64   byte
		unary bool
	}{
		{"eqz", 0x45, 0x50, true}, {"eq", 0x46, 0x51, false}, {"ne", 0x47, 0x52, false},
		{"lt_s", 0x48, 0x53, false}, {"lt_u", 0x49, 0x54, false}, {"gt_s", 0x4a, 0x55, false},
		{"gt_u", 0x4b, 0x56, false}, {"le_s", 0x4c, 0x57, false}, {"le_u", 0x4d, 0x58, false},
		{"ge_s", 0x4e, 0x59, false}, {"ge_u", 0x4f, 0x5a, false},
	}
	m := &wasm.Module{}
	var fns []fn
	for _, vt := range []wasm.ValType{wasm.I32, wasm.I64} {
		ti := uint32(len(m.Types))
		m.Types = append(m.Types, wasm.FuncType{Params: []wasm.ValType{vt, vt}, Results: []wasm.ValType{vt}})
		if vt == wasm.I32 {
			// Function 0, $g(a, b) = a*3 + b: what the slow side calls.
			m.Funcs = append(m.Funcs, ti)
			m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x20, 0, 0x41, 3, 0x6c, 0x20, 1, 0x6a, 0x0b}})
		}
		konst := []byte{0x41, 0x7f} // i32.const -1
		seven := []byte{0x41, 7}
		if vt == wasm.I64 {
			konst = []byte{0x42, 0x7e} // i64.const -2
			seven = []byte{0x42, 7}
		}
		for _, op := range ops {
			code := op.i32
			if vt == wasm.I64 {
				code = op.i64
			}
			rights := []string{"b", "K"}
			if op.unary {
				rights = []string{""}
			}
			for _, right := range rights {
				for _, side := range []string{"then", "else"} {
					for _, res := range []string{"a", "b", "7"} {
						body := []byte{0x20, 0}
						switch right {
						case "b":
							body = append(body, 0x20, 1)
						case "K":
							body = append(body, konst...)
						}
						body = append(body, code, 0x04, 0x40)
						if side == "else" {
							body = append(body, 0x05)
						}
						switch res {
						case "a":
							body = append(body, 0x20, 0)
						case "b":
							body = append(body, 0x20, 1)
						default:
							body = append(body, seven...)
						}
						body = append(body, 0x0f, 0x0b)
						// The other side: g(a, b) (wrapped to i32 and back for i64), plus a.
						if vt == wasm.I32 {
							body = append(body, 0x20, 0, 0x20, 1, 0x10, 0, 0x20, 0, 0x6a, 0x0b)
						} else {
							body = append(body, 0x20, 0, 0xa7, 0x20, 1, 0xa7, 0x10, 0, 0xac, 0x20, 0, 0x7c, 0x0b)
						}
						name := fmt.Sprintf("%s/%s/%s/%s/%s", vt, op.name, right, side, res)
						m.Funcs = append(m.Funcs, ti)
						m.Codes = append(m.Codes, wasm.Code{Body: body})
						m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
						fns = append(fns, fn{name})
					}
				}
			}
		}
	}
	args := []uint64{0, 1, 2, 7, math.MaxUint64, math.MaxUint64 - 1, 1 << 31, 0x7fffffff, 0xffffffff, 1 << 32, 0x8000000000000000}
	outcome := func(inst *execute.Instance, name string, a, b uint64) string {
		res, err := inst.Func(name).Call(a, b)
		var trap *execute.Trap
		switch {
		case errors.As(err, &trap):
			return fmt.Sprintf("trap %v at %#x", trap.Code, trap.WasmOffset)
		case err != nil:
			t.Fatalf("%s(%#x, %#x): %v", name, a, b, err)
		}
		return fmt.Sprint(res)
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			var insts [2]*execute.Instance
			for i, opt := range []int{0, 2} {
				opts := bm.opts
				opts.OptLevel = opt
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
				}
				insts[i] = instantiate(t, obj)
				if opt != 2 {
					continue
				}
				for _, e := range m.Exports {
					f := obj.Meta.Funcs[e.Index]
					if first := obj.Text[f.CodeOffset]; first == 0x55 {
						t.Errorf("%s starts with push rbp at -O 2: no early return before the prologue", e.Name)
					}
				}
			}
			for _, f := range fns {
				for _, a := range args {
					for _, b := range args {
						want, got := outcome(insts[0], f.name, a, b), outcome(insts[1], f.name, a, b)
						if got != want {
							t.Errorf("%s(%#x, %#x) = %s at -O 2, %s at -O 0", f.name, a, b, got, want)
						}
					}
				}
			}
		})
	}
}
