package codegen

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"golang.org/x/arch/x86/x86asm"
)

// TestDump prints the SSA and machine code of one function, for debugging:
// DUMP_WASM=file.wasm DUMP_FUNC=index.
func TestDump(t *testing.T) {
	path, fs := os.Getenv("DUMP_WASM"), os.Getenv("DUMP_FUNC")
	if path == "" || fs == "" {
		t.Skip("set DUMP_WASM and DUMP_FUNC to dump a function")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := strconv.Atoi(fs)
	if err != nil {
		for k, v := range m.Names.Funcs {
			if v == fs {
				fi = int(k)
			}
		}
		for _, e := range m.Exports {
			if e.Name == fs {
				fi = int(e.Index)
			}
		}
	}
	opts := &ssa.Options{OptLevel: 2}
	if o := os.Getenv("DUMP_OPT"); o != "" {
		opts.OptLevel, _ = strconv.Atoi(o)
	}
	mach := testMachine
	// The steps of compileFunc, with the SSA printed after allocation.
	f, err := frontend.BuildSSAIn(m, uint32(fi), opts, nil, frontend.ModuleFacts(m))
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, opts.OptLevel)
	if p, ok := mach.(isa.Preparer); ok {
		p.Prepare(f, opts)
	}
	var ra *regalloc.Result
	if opts.OptLevel == 0 {
		ra = regalloc.AllocateFast(f, m, mach.RegTarget())
	} else {
		ra = regalloc.Allocate(f, m, mach.RegTarget())
	}
	fmt.Println(f)
	for _, b := range f.Blocks {
		for _, v := range append(append([]*ssa.Value(nil), b.Params...), b.Values...) {
			if v.Loc.InReg() || v.Loc.Slot >= 0 {
				fmt.Printf("v%d: reg %d slot %d defstore %v\n", v.ID, v.Loc.Reg, v.Loc.Slot, v.Loc.DefStore)
			}
		}
	}
	fc, err := mach.NewFuncEmitter().Emit(m, f, ra, opts)
	if err != nil {
		t.Fatal(err)
	}
	code := fc.Code
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			fmt.Printf("%6x: ??\n", pc)
			pc++
			continue
		}
		fmt.Printf("%6x: %s\n", pc, x86asm.IntelSyntax(in, uint64(pc), nil))
		pc += in.Len
	}
}
