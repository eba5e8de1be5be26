package asm_test

import (
	"fmt"

	"golang.org/x/arch/x86/x86asm"

	"github.com/lucet-go/lucet/internal/asm"
)

// A function that returns its first argument clamped to [0, 100], using a
// forward branch, a conditional move and a call fixup for the linker.
func Example() {
	a := asm.New()
	done := a.NewLabel()
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.XorRR(32, asm.RAX, asm.RAX)
	a.TestRR(32, asm.RDI, asm.RDI)
	a.Jcc(asm.CondL, done)
	a.MovRI(32, asm.RAX, 100)
	a.CmpRI(32, asm.RDI, 100)
	a.CmovccRR(asm.CondL, 32, asm.RAX, asm.RDI)
	a.CallRel32(3) // e.g. a call to function index 3
	a.Bind(done)
	a.Pop(asm.RBP)
	a.Ret()
	if err := a.Finish(); err != nil {
		panic(err)
	}
	code := a.Bytes()
	for pc := 0; pc < len(code); {
		inst, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%2d  %-12x %s\n", pc, code[pc:pc+inst.Len], x86asm.IntelSyntax(inst, uint64(pc), nil))
		pc += inst.Len
	}
	fmt.Printf("call fixups: %+v\n", a.CallFixups())
	// Output:
	//  0  55           push rbp
	//  1  4889e5       mov rbp, rsp
	//  4  31c0         xor eax, eax
	//  6  85ff         test edi, edi
	//  8  0f8c10000000 jl 0x1e
	// 14  b864000000   mov eax, 0x64
	// 19  83ff64       cmp edi, 0x64
	// 22  0f4cc7       cmovl eax, edi
	// 25  e800000000   call 0x1e
	// 30  5d           pop rbp
	// 31  c3           ret
	// call fixups: [{Offset:26 Target:3}]
}
