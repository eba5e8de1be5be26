package amd64

import (
	"math"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"golang.org/x/arch/x86/x86asm"
)

// TestMovesLeaveRDX: the moves of edges, calls and the prologue (memory
// to memory, constants to memory) go through no GPR, so the allocator
// may keep a value in RDX across them (clobber.go). The code of each is
// decoded and must name no GPR but the frame's; the values the moves
// produce are checked by simulating the stores of constants, and by the
// exec tests for memory-to-memory moves.
func TestMovesLeaveRDX(t *testing.T) {
	dst, src := memLoc(slotMem(3)), memLoc(slotMem(5))
	c := func(ty ssa.Type, lo, hi uint64) *ssa.Value {
		return &ssa.Value{Op: ssa.OpConst, Type: ty, Aux: int64(lo), Aux2: int64(hi)}
	}
	for _, tc := range []struct {
		name string
		m    pmove
		want []byte // the slot's bytes after a constant store, or nil
	}{
		{"mem/i32", pmove{dst: dst, src: src, t: ssa.TI32}, nil},
		{"mem/i64", pmove{dst: dst, src: src, t: ssa.TI64}, nil},
		{"mem/f32", pmove{dst: dst, src: src, t: ssa.TF32}, nil},
		{"mem/f64", pmove{dst: dst, src: src, t: ssa.TF64}, nil},
		{"mem/v128", pmove{dst: dst, src: src, t: ssa.TV128}, nil},
		{"const/i32/small", pmove{dst: dst, c: c(ssa.TI32, 7, 0), t: ssa.TI32}, le(7, 0)},
		{"const/i32/high", pmove{dst: dst, c: c(ssa.TI32, 0xfffffff9, 0), t: ssa.TI32}, le(0xfffffff9, 0)},
		{"const/i32/neg", pmove{dst: dst, c: c(ssa.TI32, math.MaxUint64-6, 0), t: ssa.TI32}, le(0xfffffff9, 0)},
		{"const/f32", pmove{dst: dst, c: c(ssa.TF32, uint64(math.Float32bits(-1.5)), 0), t: ssa.TF32}, le(uint64(math.Float32bits(-1.5)), 0)},
		{"const/i64/neg", pmove{dst: dst, c: c(ssa.TI64, math.MaxUint64-6, 0), t: ssa.TI64}, le(math.MaxUint64-6, 0)},
		{"const/i64/large", pmove{dst: dst, c: c(ssa.TI64, 0x123456789abcdef0, 0), t: ssa.TI64}, le(0x123456789abcdef0, 0)},
		{"const/f64", pmove{dst: dst, c: c(ssa.TF64, math.Float64bits(-2.25), 0), t: ssa.TF64}, le(math.Float64bits(-2.25), 0)},
		{"const/v128", pmove{dst: dst, c: c(ssa.TV128, 0x8000000012345678, 5), t: ssa.TV128}, append(le(0x8000000012345678, 0), le(5, 0)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}, vconsts: map[[2]uint64]asm.Label{}}
			e.emitMove(tc.m)
			code := e.a.Bytes()
			slot := make([]byte, 16)
			for i := range slot {
				slot[i] = 0xaa
			}
			for pc := 0; pc < len(code); {
				in, err := x86asm.Decode(code[pc:], 64)
				if err != nil {
					t.Fatalf("at %d: %v", pc, err)
				}
				for _, a := range in.Args {
					if r, ok := a.(x86asm.Reg); ok && r < x86asm.X0 {
						t.Errorf("%v names %v", in, r)
					}
					if m, ok := a.(x86asm.Mem); ok && (m.Base != x86asm.RBP || m.Index != 0) {
						t.Errorf("%v addresses through %v", in, m)
					}
				}
				if in.Op == x86asm.MOV && tc.want != nil {
					m, imm := in.Args[0].(x86asm.Mem), in.Args[1].(x86asm.Imm)
					off := int(m.Disp) - int(slotMem(3).Disp)
					for i := 0; i < in.MemBytes; i++ {
						slot[off+i] = byte(uint64(imm) >> (8 * i))
					}
				}
				pc += in.Len
			}
			if tc.want != nil && string(slot[:len(tc.want)]) != string(tc.want) {
				t.Errorf("slot % x, want % x", slot[:len(tc.want)], tc.want)
			}
		})
	}
}

// TestParallelMovesLeaveRDX: an edge's moves, memory to memory (through
// RAX while no register cycle is parked there, else X14) among register
// cycles, name no RDX.
func TestParallelMovesLeaveRDX(t *testing.T) {
	e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
	e.parallelMove([]pmove{
		{dst: regLoc(asm.RSI), src: regLoc(asm.RDI), t: ssa.TI64},
		{dst: regLoc(asm.RDI), src: regLoc(asm.RSI), t: ssa.TI64},
		{dst: memLoc(slotMem(1)), src: memLoc(slotMem(2)), t: ssa.TI32},
		{dst: memLoc(slotMem(2)), src: memLoc(slotMem(1)), t: ssa.TI64},
		{dst: memLoc(slotMem(4)), src: memLoc(slotMem(5)), t: ssa.TF64},
	})
	code := e.a.Bytes()
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			t.Fatalf("at %d: %v", pc, err)
		}
		for _, a := range in.Args {
			if r, ok := a.(x86asm.Reg); ok && (r == x86asm.RDX || r == x86asm.EDX) {
				t.Errorf("%v names %v", in, r)
			}
		}
		pc += in.Len
	}
}

// le is v's 8 bytes, little-endian (hi ignored: a helper for tables).
func le(v, _ uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return b
}
