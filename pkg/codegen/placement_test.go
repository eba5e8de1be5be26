package codegen_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
	"golang.org/x/arch/x86/x86asm"
)

// dispatchLoop is the body of an interpreter's loop, (param n x) (result
// i32) with locals acc and pc: each round dispatches, through a br_table
// of tableLen entries over k cases (entry j goes to case j % k, the
// default past them all), on x + pc, or on acc & 15 when byAcc; case i
// folds i+3 and pc into acc, case 1 also a load at acc & 0x1fffc, which
// traps for half of the accumulators (one page of memory). The loop runs
// while ++pc < n and returns acc.
func dispatchLoop(k, tableLen int, byAcc bool) []byte {
	const n, x, acc, pc = 0, 1, 2, 3
	b := []byte{0x03, 0x40} // loop
	for range k + 1 {
		b = append(b, 0x02, 0x40) // block
	}
	if byAcc {
		b = append(b, 0x20, acc, 0x41, 15, 0x71)
	} else {
		b = append(b, 0x20, x, 0x20, pc, 0x6a)
	}
	b = append(b, 0x0e)
	b = append(b, uleb32(tableLen)...)
	for j := range tableLen {
		b = append(b, uleb32(j%k)...)
	}
	b = append(b, uleb32(k)...)
	b = append(b, 0x0b) // end of case 0's block
	for i := range k {
		b = append(b, 0x20, acc, 0x41)
		b = append(b, sleb32(int32(i+3))...)
		b = append(b, 0x6c, 0x20, pc, 0x6a) // acc * (i+3) + pc
		if i == 1 {
			b = append(b, 0x20, acc, 0x41, 0xfc, 0xff, 0x07, 0x71, 0x28, 2, 0, 0x73) // ^ load(acc & 0x1fffc)
		}
		b = append(b, 0x21, acc, 0x0c)
		b = append(b, uleb32(k-1-i)...) // to the end of the outermost block
		b = append(b, 0x0b)
	}
	// pc++; loop while pc < n
	b = append(b, 0x20, pc, 0x41, 1, 0x6a, 0x22, pc, 0x20, n, 0x49, 0x0d, 0, 0x0b)
	return append(b, 0x20, acc)
}

// nestedLoops is a body (param n x) (result i32) with locals acc and pc:
// an outer loop over n rounds around a small inner loop of x & 7 rounds.
func nestedLoops() []byte {
	const n, x, acc, pc, i = 0, 1, 2, 3, 4
	return []byte{
		0x03, 0x40, // loop
		0x20, x, 0x41, 7, 0x71, 0x21, i, // i = x & 7
		0x03, 0x40, // loop
		0x20, acc, 0x20, i, 0x6a, 0x41, 5, 0x6c, 0x21, acc, // acc = (acc + i) * 5
		0x20, i, 0x41, 1, 0x6b, 0x22, i, 0x41, 0, 0x4a, 0x0d, 0, // while --i > 0
		0x0b,
		0x20, pc, 0x41, 1, 0x6a, 0x22, pc, 0x20, n, 0x49, 0x0d, 0, // while ++pc < n
		0x0b,
		0x20, acc,
	}
}

// placementShapes are the functions of placementModule.
var placementShapes = []struct {
	name string
	body []byte
}{
	{"default-only", dispatchLoop(0, 0, false)},
	{"one-target", dispatchLoop(1, 1, false)},
	{"two-targets", dispatchLoop(2, 2, false)},
	{"interp", dispatchLoop(12, 12, true)},
	{"wide", dispatchLoop(5, 300, false)},
	{"huge", dispatchLoop(7, 40000, false)},
	{"nested", nestedLoops()},
}

func placementModule(t *testing.T) *wasm.Module {
	t.Helper()
	i32 := wasm.I32
	m := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{i32, i32}, Results: []wasm.ValType{i32}}},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
	}
	for i, s := range placementShapes {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: 3, Type: i32}}, NumLocals: 3, Body: append(s.body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: s.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBrTableShapes runs br_tables of no, one, two, a dozen, hundreds
// and tens of thousands of entries in dispatch loops, on indices in and
// out of range (negative and huge included), with a case that traps, at
// opt 2 in both bounds modes against opt 0: results, trap kinds and wasm
// offsets must agree.
func TestBrTableShapes(t *testing.T) {
	m := placementModule(t)
	ns := []uint64{1, 2, 40}
	xs := []uint64{0, 1, 2, 11, 12, 299, 300, 39999, 40000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff}
	run := func(opts codegen.Options) map[string]string {
		inst := compileInstance(t, m, opts)
		out := map[string]string{}
		for _, s := range placementShapes {
			for _, n := range ns {
				for _, x := range xs {
					r, err := inst.Func(s.name).Call(n, x)
					key := fmt.Sprintf("%s(%d, %#x)", s.name, n, x)
					if err != nil {
						out[key] = "error: " + err.Error()
					} else {
						out[key] = fmt.Sprint(r)
					}
				}
			}
		}
		return out
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			want := run(bm.opts)
			o2 := bm.opts
			o2.OptLevel = 2
			got := run(o2)
			traps := 0
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s = %s at opt 2, %s at opt 0", k, got[k], w)
				}
				if strings.HasPrefix(w, "error: ") {
					traps++
				}
			}
			if traps == 0 || traps == len(want) {
				t.Errorf("%d of %d calls trapped: the shapes should do both", traps, len(want))
			}
		})
	}
}

// TestCodePlacement checks the layout of optimized code: every loop head
// (the target of a backward jump) starts on 16 bytes of the text, a loop
// of at most 64 bytes (the only small loop of its function) lies within
// one 64-byte line, and a jump table lies after every instruction of
// its function's blocks (the byte after an indirect jmp is code).
func TestCodePlacement(t *testing.T) {
	m := placementModule(t)
	for _, bm := range boundsModes {
		o2 := bm.opts
		o2.OptLevel = 2
		obj, err := codegen.Compile(m, o2)
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range obj.Meta.Funcs {
			name := placementShapes[i].name
			code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
			base := int(f.CodeOffset)
			heads, small, stubs := 0, 0, false
			var tables []int
			limit, reach := len(code), 0 // the first table; the end of what jumps reach
			for pc := 0; pc < limit; {
				in, err := x86asm.Decode(code[pc:], 64)
				if err != nil {
					t.Fatalf("%s/%s: %v at %#x", bm.name, name, err, pc)
				}
				end := pc + in.Len
				switch {
				case in.Op == x86asm.JMP && isReg(in.Args[0]):
					reach = max(reach, end)
				case in.Op == x86asm.LEA:
					// A table's base, which the entry is read from next
					// (not the return address an exit stub takes).
					next, err := x86asm.Decode(code[end:], 64)
					if mem, ok := in.Args[1].(x86asm.Mem); ok && mem.Base == x86asm.RIP && err == nil && next.Op == x86asm.MOVSXD {
						tbl := end + int(mem.Disp)
						tables = append(tables, tbl)
						limit = min(limit, tbl)
					}
				case in.Op == x86asm.CALL:
					// The shapes call nothing: from here on, the
					// interrupt and trap stubs, which jump back into
					// the blocks.
					stubs = true
				case isJump(in.Op):
					if rel, ok := in.Args[0].(x86asm.Rel); ok && !stubs {
						to := end + int(rel)
						reach = max(reach, to+1)
						if to < pc {
							heads++
							if (base+to)%16 != 0 {
								t.Errorf("%s/%s: loop head at text %#x, not 16-byte aligned", bm.name, name, base+to)
							}
							if end-to <= 64 && (base+to)/64 != (base+end-1)/64 {
								small++
							}
						}
					}
				}
				pc = end
			}
			for _, tbl := range tables {
				if tbl < reach || tbl%4 != 0 {
					t.Errorf("%s/%s: jump table at %#x, code reached up to %#x", bm.name, name, tbl, reach)
				}
			}
			if heads == 0 {
				t.Errorf("%s/%s: no backward jump found", bm.name, name)
			}
			if (len(tables) == 0) != (name == "default-only" || name == "nested") {
				t.Errorf("%s/%s: %d jump tables", bm.name, name, len(tables))
			}
			if small > 0 {
				t.Errorf("%s/%s: %d small loops straddle a 64-byte line", bm.name, name, small)
			}
		}
	}
}

func isReg(a x86asm.Arg) bool { _, ok := a.(x86asm.Reg); return ok }

func isJump(op x86asm.Op) bool {
	switch op {
	case x86asm.JMP, x86asm.JA, x86asm.JAE, x86asm.JB, x86asm.JBE, x86asm.JE, x86asm.JNE, x86asm.JG, x86asm.JGE,
		x86asm.JL, x86asm.JLE, x86asm.JO, x86asm.JNO, x86asm.JS, x86asm.JNS, x86asm.JP, x86asm.JNP:
		return true
	}
	return false
}
