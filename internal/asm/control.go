package asm

import "encoding/binary"

// jump emits a jump to l. A bound (backward) target within reach gets the
// 2-byte rel8 form; everything else gets rel32, patched by Finish when l is
// not bound yet. short is the rel8 opcode, long the rel32 opcode.
func (a *Assembler) jump(name string, short byte, long uint32, l Label) {
	if !a.validLabel(name, l) {
		return
	}
	start := int32(len(a.buf))
	if t := a.labels[l]; t != unbound {
		if d := int64(t) - int64(len(a.buf)+2); fitsInt8(d) {
			a.buf = append(a.buf, short, byte(int8(d)))
			a.back = backJump{start, start + 2, l}
			return
		}
	}
	a.opcode(long)
	at := len(a.buf)
	a.buf = append(a.buf, 0, 0, 0, 0)
	if t := a.labels[l]; t != unbound {
		binary.LittleEndian.PutUint32(a.buf[at:], uint32(t-int32(at+4)))
		a.back = backJump{start, int32(at + 4), l}
		return
	}
	a.fixups = append(a.fixups, fixup{at: int32(at), end: int32(at + 4), label: l, kind: fixRel32})
}

// Jmp emits an unconditional jump to l.
func (a *Assembler) Jmp(l Label) { a.jump("Jmp", 0xEB, 0xE9, l) }

// Jcc emits a jump to l taken when c holds.
func (a *Assembler) Jcc(c Cond, l Label) { a.jump("Jcc", 0x70+byte(c&15), 0x0F80+uint32(c&15), l) }

// JmpR emits an indirect jmp r.
func (a *Assembler) JmpR(r Reg) {
	if a.gpr("JmpR", r) {
		// Near indirect jumps and calls default to 64-bit operands: no
		// REX.W needed.
		a.encRR(0, 0xFF, 0, 4, byte(r))
	}
}

// JmpM emits jmp qword [m].
func (a *Assembler) JmpM(m Mem) {
	if a.mem("JmpM", m) {
		a.encM(0, 0xFF, 0, 4, m, 0)
	}
}

// CallR emits an indirect call r.
func (a *Assembler) CallR(r Reg) {
	if a.gpr("CallR", r) {
		a.encRR(0, 0xFF, 0, 2, byte(r))
	}
}

// CallM emits call qword [m].
func (a *Assembler) CallM(m Mem) {
	if a.mem("CallM", m) {
		a.encM(0, 0xFF, 0, 2, m, 0)
	}
}

// CallLabel emits call rel32 to a label in this code.
func (a *Assembler) CallLabel(l Label) {
	if !a.validLabel("CallLabel", l) {
		return
	}
	a.byte1(0xE8)
	at := len(a.buf)
	a.buf = append(a.buf, 0, 0, 0, 0)
	a.fixups = append(a.fixups, fixup{at: int32(at), end: int32(at + 4), label: l, kind: fixRel32})
}

// CallRel32 emits call rel32 with a zero placeholder and records a
// CallFixup{Offset of the rel32 field, target} for the linker, which
// resolves it with PatchRel32(code, Offset, Offset+4, targetAddress).
func (a *Assembler) CallRel32(target int) {
	a.byte1(0xE8)
	a.calls = append(a.calls, CallFixup{Offset: len(a.buf), Target: target})
	a.buf = append(a.buf, 0, 0, 0, 0)
}

// Ret emits ret.
func (a *Assembler) Ret() { a.byte1(0xC3) }

// Push emits push r (64-bit).
func (a *Assembler) Push(r Reg) {
	if a.gpr("Push", r) {
		a.prefixes(0, 0, 0, 0, r.ext(), false)
		a.byte1(0x50 + r.low3())
	}
}

// Pop emits pop r (64-bit).
func (a *Assembler) Pop(r Reg) {
	if a.gpr("Pop", r) {
		a.prefixes(0, 0, 0, 0, r.ext(), false)
		a.byte1(0x58 + r.low3())
	}
}

// Ud2 emits ud2, the guaranteed-invalid opcode (raises SIGILL), used for
// traps.
func (a *Assembler) Ud2() { a.buf = append(a.buf, 0x0F, 0x0B) }

// Int3 emits int3 (SIGTRAP).
func (a *Assembler) Int3() { a.byte1(0xCC) }

// nops holds the recommended multi-byte NOPs (Intel SDM vol. 2B, NOP),
// indexed by length.
var nops = [10][]byte{
	1: {0x90},
	2: {0x66, 0x90},
	3: {0x0F, 0x1F, 0x00},
	4: {0x0F, 0x1F, 0x40, 0x00},
	5: {0x0F, 0x1F, 0x44, 0x00, 0x00},
	6: {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
	7: {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
	8: {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	9: {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}

// Nop emits n bytes of padding as few multi-byte NOP instructions (at most
// 9 bytes each), so the padding decodes cheaply if executed.
func (a *Assembler) Nop(n int) {
	for n > 0 {
		k := min(n, 9)
		a.buf = append(a.buf, nops[k]...)
		n -= k
	}
}

// Align pads with NOPs up to the next multiple of n, which must be a power
// of two.
func (a *Assembler) Align(n int) {
	if n <= 0 || n&(n-1) != 0 {
		a.failf("Align", "alignment %d is not a positive power of two", n)
		return
	}
	a.Nop(-len(a.buf) & (n - 1))
}

// AlignWith pads with byte b (e.g. 0xCC, or 0 inside data) up to the next
// multiple of n, a power of two.
func (a *Assembler) AlignWith(n int, b byte) {
	if n <= 0 || n&(n-1) != 0 {
		a.failf("AlignWith", "alignment %d is not a positive power of two", n)
		return
	}
	for p := -len(a.buf) & (n - 1); p > 0; p-- {
		a.buf = append(a.buf, b)
	}
}

// ---- data in the code stream ----

// DataLabel32 emits a 4-byte jump table entry holding target-base, filled
// in by Finish. A table dispatch on index idx (in a 64-bit register) looks
// like:
//
//	a.LeaRIPLabel(base, table)
//	a.MovsxRM(64, 32, off, asm.MI(base, idx, 4, 0))
//	a.AddRR(64, off, base)
//	a.JmpR(off)
//	a.Align(4)
//	a.Bind(table)
//	for _, t := range targets { a.DataLabel32(table, t) }
//
// (x86-64 has no rip+index addressing, hence the lea.)
func (a *Assembler) DataLabel32(base, target Label) {
	if !a.validLabel("DataLabel32", base) || !a.validLabel("DataLabel32", target) {
		return
	}
	at := len(a.buf)
	a.buf = append(a.buf, 0, 0, 0, 0)
	a.fixups = append(a.fixups, fixup{at: int32(at), end: int32(base), label: target, kind: fixData32})
}

// Data32 emits v little-endian, e.g. a float32 constant.
func (a *Assembler) Data32(v uint32) { a.buf = binary.LittleEndian.AppendUint32(a.buf, v) }

// Data64 emits v little-endian, e.g. a float64 constant or a mask.
func (a *Assembler) Data64(v uint64) { a.buf = binary.LittleEndian.AppendUint64(a.buf, v) }

// DataBytes emits b verbatim.
func (a *Assembler) DataBytes(b []byte) { a.buf = append(a.buf, b...) }

// ---- string ops and fences ----

// RepMovsb copies rcx bytes from [rsi] to [rdi].
func (a *Assembler) RepMovsb() { a.buf = append(a.buf, 0xF3, 0xA4) }

// RepStosb stores al into rcx bytes at [rdi].
func (a *Assembler) RepStosb() { a.buf = append(a.buf, 0xF3, 0xAA) }

// Mfence emits mfence.
func (a *Assembler) Mfence() { a.buf = append(a.buf, 0x0F, 0xAE, 0xF0) }
