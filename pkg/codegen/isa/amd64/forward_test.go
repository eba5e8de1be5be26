package amd64

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"golang.org/x/arch/x86/x86asm"
)

// TestSpillForward checks what a load of a slot emits right after a store
// of a register to it (storeMem; loadMem, gpr and xmm through forward;
// loadLow32): nothing when the load wants the value in the register that
// was stored, a register move into another register, and the load itself
// when a label is bound in between (a jump there comes with other
// registers), when the slot or the register file differs, when the type
// differs (a float's bits wanted in a GPR), or when anything was emitted
// in between. loadLow32 (a wrap's read of an i64's low half) moves the
// low half even within the register, except for an i32 (already zero-
// extended there). The values forwarded are those the exec tests compute
// (TestWider's aes spills values as it computes them and reads them back
// next), this test the conditions.
func TestSpillForward(t *testing.T) {
	s3, s5 := slotMem(3), slotMem(5)
	for _, tc := range []struct {
		name string
		emit func(e *emitter)
		want string // the instructions after the store, GNU syntax, "; "-separated
	}{
		{"i32/same", func(e *emitter) { e.loadMem(asm.RSI, s3, ssa.TI32) }, ""}, // "i32/": stored as an i32
		{"i64/same", func(e *emitter) { e.loadMem(asm.RSI, s3, ssa.TI64) }, ""},
		{"i32/other", func(e *emitter) { e.loadMem(asm.RDI, s3, ssa.TI32) }, "mov %esi,%edi"},
		{"i64/other", func(e *emitter) { e.loadMem(asm.RDI, s3, ssa.TI64) }, "mov %rsi,%rdi"},
		{"i64/gpr-scratch", func(e *emitter) {
			e.gpr(&ssa.Value{Op: ssa.OpAdd, Type: ssa.TI64, Loc: ssa.Loc{Reg: ssa.NoReg, Slot: 3}}, asm.RAX)
		}, "mov %rsi,%rax"},
		{"other-slot", func(e *emitter) { e.loadMem(asm.RSI, s5, ssa.TI64) }, "mov -0x38(%rbp),%rsi"},
		{"other-type", func(e *emitter) { e.loadMem(asm.RSI, s3, ssa.TF64) }, "mov -0x28(%rbp),%rsi"},
		{"i64-read-as-i32", func(e *emitter) { e.loadMem(asm.RSI, s3, ssa.TI32) }, "mov -0x28(%rbp),%esi"},
		{"xmm-wants-gpr", func(e *emitter) { e.loadMem(asm.X1, s3, ssa.TI64) }, "movsd -0x28(%rbp),%xmm1"},
		{"label", func(e *emitter) { e.a.Bind(e.a.NewLabel()); e.loadMem(asm.RSI, s3, ssa.TI64) }, "mov -0x28(%rbp),%rsi"},
		{"between", func(e *emitter) { e.a.AddRI(64, asm.RDI, 1); e.loadMem(asm.RSI, s3, ssa.TI64) },
			"add $0x1,%rdi; mov -0x28(%rbp),%rsi"},
		{"low32/same", func(e *emitter) { e.loadLow32(asm.RSI, s3) }, "mov %esi,%esi"},
		{"low32/other", func(e *emitter) { e.loadLow32(asm.RDI, s3) }, "mov %esi,%edi"},
		{"low32/label", func(e *emitter) { e.a.Bind(e.a.NewLabel()); e.loadLow32(asm.RDI, s3) }, "mov -0x28(%rbp),%edi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
			e.a.AddRI(64, asm.RSI, 2) // something before the store
			st := ssa.TI64
			if strings.HasPrefix(tc.name, "i32/") {
				st = ssa.TI32
			}
			e.storeMem(s3, asm.RSI, st)
			n := e.a.Len()
			tc.emit(e)
			if got := decodeGNU(t, e.a.Bytes()[n:]); got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		t    ssa.Type
		load asm.Reg
		want string
	}{
		{"f64/same", ssa.TF64, asm.X1, ""},
		{"f64/other", ssa.TF64, asm.X2, "movaps %xmm1,%xmm2"},
		{"f32/same", ssa.TF32, asm.X1, ""},
		{"v128/other", ssa.TV128, asm.X3, "movaps %xmm1,%xmm3"},
		{"f64/wants-gpr", ssa.TF64, asm.RSI, "mov -0x28(%rbp),%rsi"},
	} {
		t.Run("xmm/"+tc.name, func(t *testing.T) {
			e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
			e.a.AddRI(64, asm.RSI, 2)
			e.storeMem(s3, asm.X1, tc.t)
			n := e.a.Len()
			e.loadMem(tc.load, s3, tc.t)
			if got := decodeGNU(t, e.a.Bytes()[n:]); got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
	// An i32 stored and read back by loadLow32 in its register: nothing.
	e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
	e.a.AddRI(32, asm.RSI, 2)
	e.storeMem(s3, asm.RSI, ssa.TI32)
	n := e.a.Len()
	e.loadLow32(asm.RSI, s3)
	if got := decodeGNU(t, e.a.Bytes()[n:]); got != "" {
		t.Errorf("i32 low32/same: %q, want nothing", got)
	}
}

// decodeGNU disassembles code in GNU syntax, "; "-separated.
func decodeGNU(t *testing.T, code []byte) string {
	t.Helper()
	var out []string
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			t.Fatalf("at %d: %v", pc, err)
		}
		out = append(out, x86asm.GNUSyntax(in, 0, nil))
		pc += in.Len
	}
	return strings.Join(out, "; ")
}
