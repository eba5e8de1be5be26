package asm

import "math"

// intSize maps an operand size to the legacy prefix and flags shared by
// most integer instructions. byteOp reports that the 8-bit opcode variant
// (usually the wider opcode minus one) must be used.
func intSize(size int) (pfx byte, flags int, byteOp bool) {
	switch size {
	case 8:
		return 0, fByteR | fByteM, true
	case 16:
		return 0x66, 0, false
	case 64:
		return 0, fW, false
	}
	return 0, 0, false
}

// digitFlags drops fByteR: when ModRM.reg holds an opcode extension
// (/digit) rather than a register, its value says nothing about REX.
func digitFlags(flags int) int { return flags &^ fByteR }

// rr emits "op r/m, reg" style instructions with mod=11, choosing the 8-bit
// opcode op8 for size 8.
func (a *Assembler) rr(name string, sizes uint8, size int, op8, op uint32, reg, rm Reg) {
	if !a.size(name, size, sizes) || !a.gpr(name, reg) || !a.gpr(name, rm) {
		return
	}
	pfx, flags, b := intSize(size)
	if b {
		op = op8
	}
	a.encRR(pfx, op, flags, byte(reg), byte(rm))
}

// rm emits instructions with a register in ModRM.reg and memory in r/m.
func (a *Assembler) rm(name string, sizes uint8, size int, op8, op uint32, reg Reg, m Mem) {
	if !a.size(name, size, sizes) || !a.gpr(name, reg) || !a.mem(name, m) {
		return
	}
	pfx, flags, b := intSize(size)
	if b {
		op = op8
	}
	a.encM(pfx, op, flags&^fByteM, byte(reg), m, 0)
}

// ---- moves ----

// MovRR emits mov dst, src. Sizes 8, 16, 32, 64; size 32 zeroes the upper
// half of dst.
func (a *Assembler) MovRR(size int, dst, src Reg) { a.rr("MovRR", sAll, size, 0x88, 0x89, src, dst) }

// MovRI loads imm into dst using the shortest encoding that yields the
// same register value: for size 64, mov r32, imm32 when imm fits in uint32
// (the write zero-extends), mov r64, simm32 when it fits in int32, and
// movabs otherwise. For sizes 8, 16 and 32 imm is truncated. It never uses
// xor, so flags are preserved.
func (a *Assembler) MovRI(size int, dst Reg, imm int64) {
	const name = "MovRI"
	if !a.size(name, size, sAll) || !a.gpr(name, dst) {
		return
	}
	d := byte(dst)
	switch {
	case size == 8:
		a.prefixes(0, 0, 0, 0, d>>3, needsREX8(d))
		a.buf = append(a.buf, 0xB0+d&7, byte(imm))
	case size == 16:
		a.prefixes(0x66, 0, 0, 0, d>>3, false)
		a.byte1(0xB8 + d&7)
		a.imm16(int16(imm))
	case size == 32 || uint64(imm) <= math.MaxUint32:
		a.prefixes(0, 0, 0, 0, d>>3, false)
		a.byte1(0xB8 + d&7)
		a.imm32(int32(imm))
	case fitsInt32(imm):
		a.encRR(0, 0xC7, fW, 0, d)
		a.imm32(int32(imm))
	default:
		a.prefixes(0, fW, 0, 0, d>>3, false)
		a.byte1(0xB8 + d&7)
		a.imm64(imm)
	}
}

// MovRM loads dst from m. Sizes 8, 16, 32, 64; 8 and 16 leave the rest of
// dst unchanged (use MovzxRM/MovsxRM to extend).
func (a *Assembler) MovRM(size int, dst Reg, m Mem) { a.rm("MovRM", sAll, size, 0x8A, 0x8B, dst, m) }

// MovMR stores the low size bits of src to m. Sizes 8, 16, 32, 64.
func (a *Assembler) MovMR(size int, m Mem, src Reg) { a.rm("MovMR", sAll, size, 0x88, 0x89, src, m) }

// MovMI stores imm to m. Sizes 8, 16, 32 (imm truncated) and 64 (imm
// sign-extended).
func (a *Assembler) MovMI(size int, m Mem, imm int32) {
	const name = "MovMI"
	if !a.size(name, size, sAll) || !a.mem(name, m) {
		return
	}
	pfx, flags, b := intSize(size)
	switch {
	case b:
		a.encM(pfx, 0xC6, 0, 0, m, 1)
		a.imm8(int8(imm))
	case size == 16:
		a.encM(pfx, 0xC7, 0, 0, m, 2)
		a.imm16(int16(imm))
	default:
		a.encM(pfx, 0xC7, flags, 0, m, 4)
		a.imm32(imm)
	}
}

// movxOp picks the opcode and REX.W for zero/sign extension.
func (a *Assembler) movx(name string, signed bool, dstSize, srcSize int) (op uint32, flags int, ok bool) {
	if !a.size(name, dstSize, s3264) || !a.size(name, srcSize, s8|s16|s32) {
		return 0, 0, false
	}
	if srcSize >= dstSize {
		a.failf(name, "source size %d not narrower than destination size %d", srcSize, dstSize)
		return 0, 0, false
	}
	switch {
	case srcSize == 8:
		op, flags = 0x0FB6, fByteM
	case srcSize == 16:
		op = 0x0FB7
	default:
		// 32 -> 64: movsxd, or a plain 32-bit mov for zero extension.
		op = 0x8B
	}
	if signed {
		if op == 0x8B {
			op = 0x63
		} else {
			op += 8 // 0FBE, 0FBF
		}
		if dstSize == 64 {
			flags |= fW
		}
	}
	// Zero extension into 64 bits uses the 32-bit form: writing a 32-bit
	// register clears the upper half, and dropping REX.W saves a byte.
	return op, flags, true
}

// Movzx zero-extends the low srcSize (8, 16, 32) bits of src into dst
// (dstSize 32 or 64). The 32-bit form is always emitted because it
// zero-extends to 64 bits anyway; for srcSize 32 that is a plain mov r32, r32.
func (a *Assembler) Movzx(dstSize, srcSize int, dst, src Reg) {
	const name = "Movzx"
	op, flags, ok := a.movx(name, false, dstSize, srcSize)
	if !ok || !a.gpr(name, dst) || !a.gpr(name, src) {
		return
	}
	a.encRR(0, op, flags, byte(dst), byte(src))
}

// MovzxRM loads srcSize (8, 16, 32) bits from m zero-extended into dst
// (dstSize 32 or 64), using the 32-bit form like Movzx.
func (a *Assembler) MovzxRM(dstSize, srcSize int, dst Reg, m Mem) {
	const name = "MovzxRM"
	op, flags, ok := a.movx(name, false, dstSize, srcSize)
	if !ok || !a.gpr(name, dst) || !a.mem(name, m) {
		return
	}
	a.encM(0, op, flags&^fByteM, byte(dst), m, 0)
}

// Movsx sign-extends the low srcSize (8, 16, 32) bits of src into dst
// (dstSize 32 or 64). 32 -> 64 is movsxd.
func (a *Assembler) Movsx(dstSize, srcSize int, dst, src Reg) {
	const name = "Movsx"
	op, flags, ok := a.movx(name, true, dstSize, srcSize)
	if !ok || !a.gpr(name, dst) || !a.gpr(name, src) {
		return
	}
	a.encRR(0, op, flags, byte(dst), byte(src))
}

// MovsxRM loads srcSize (8, 16, 32) bits from m sign-extended into dst
// (dstSize 32 or 64).
func (a *Assembler) MovsxRM(dstSize, srcSize int, dst Reg, m Mem) {
	const name = "MovsxRM"
	op, flags, ok := a.movx(name, true, dstSize, srcSize)
	if !ok || !a.gpr(name, dst) || !a.mem(name, m) {
		return
	}
	a.encM(0, op, flags&^fByteM, byte(dst), m, 0)
}

// Lea emits lea dst, m. Sizes 32, 64.
func (a *Assembler) Lea(size int, dst Reg, m Mem) { a.rm("Lea", s3264, size, 0, 0x8D, dst, m) }

// LeaRIPLabel emits lea dst, [rip+l] (64-bit).
func (a *Assembler) LeaRIPLabel(dst Reg, l Label) { a.Lea(64, dst, LabelMem(l)) }

// XchgRR swaps r1 and r2. Sizes 8, 16, 32, 64.
func (a *Assembler) XchgRR(size int, r1, r2 Reg) { a.rr("XchgRR", sAll, size, 0x86, 0x87, r2, r1) }

// ---- ALU ----

// ALUOp selects one of the eight classic binary integer operations. Its
// value is the /digit of the 80/81/83 opcodes.
type ALUOp uint8

// ALU operations.
const (
	ALUAdd ALUOp = iota
	ALUOr
	ALUAdc
	ALUSbb
	ALUAnd
	ALUSub
	ALUXor
	ALUCmp
)

var aluNames = [8]struct{ rr, ri, rm, mr, mi string }{
	{"AddRR", "AddRI", "AddRM", "AddMR", "AddMI"},
	{"OrRR", "OrRI", "OrRM", "OrMR", "OrMI"},
	{"AdcRR", "AdcRI", "AdcRM", "AdcMR", "AdcMI"},
	{"SbbRR", "SbbRI", "SbbRM", "SbbMR", "SbbMI"},
	{"AndRR", "AndRI", "AndRM", "AndMR", "AndMI"},
	{"SubRR", "SubRI", "SubRM", "SubMR", "SubMI"},
	{"XorRR", "XorRI", "XorRM", "XorMR", "XorMI"},
	{"CmpRR", "CmpRI", "CmpRM", "CmpMR", "CmpMI"},
}

// AluRR emits op dst, src. Sizes 8, 16, 32, 64.
func (a *Assembler) AluRR(op ALUOp, size int, dst, src Reg) {
	o := uint32(op&7) << 3
	a.rr(aluNames[op&7].rr, sAll, size, o, o+1, src, dst)
}

// AluRM emits op dst, [m]. Sizes 8, 16, 32, 64.
func (a *Assembler) AluRM(op ALUOp, size int, dst Reg, m Mem) {
	o := uint32(op&7) << 3
	a.rm(aluNames[op&7].rm, sAll, size, o+2, o+3, dst, m)
}

// AluMR emits op [m], src. Sizes 8, 16, 32, 64.
func (a *Assembler) AluMR(op ALUOp, size int, m Mem, src Reg) {
	o := uint32(op&7) << 3
	a.rm(aluNames[op&7].mr, sAll, size, o, o+1, src, m)
}

// AluRI emits op dst, imm, using the sign-extended imm8 form when imm fits
// and the short accumulator form for RAX otherwise. For size 64 imm is
// sign-extended; for 8 and 16 it is truncated.
func (a *Assembler) AluRI(op ALUOp, size int, dst Reg, imm int32) {
	name := aluNames[op&7].ri
	if !a.size(name, size, sAll) || !a.gpr(name, dst) {
		return
	}
	d := byte(op & 7)
	pfx, flags, b := intSize(size)
	flags = digitFlags(flags)
	switch {
	case b:
		if dst == RAX {
			a.buf = append(a.buf, d<<3+4, byte(imm))
			return
		}
		a.encRR(pfx, 0x80, flags, d, byte(dst))
		a.imm8(int8(imm))
	case fitsInt8(int64(imm)):
		a.encRR(pfx, 0x83, flags, d, byte(dst))
		a.imm8(int8(imm))
	case dst == RAX:
		a.prefixes(pfx, flags, 0, 0, 0, false)
		a.byte1(d<<3 + 5)
		a.immSized(size, imm)
	default:
		a.encRR(pfx, 0x81, flags, d, byte(dst))
		a.immSized(size, imm)
	}
}

// immSized appends an immediate of the width used by 16/32/64-bit
// operations (64-bit operations take a sign-extended imm32).
func (a *Assembler) immSized(size int, imm int32) {
	if size == 16 {
		a.imm16(int16(imm))
	} else {
		a.imm32(imm)
	}
}

// AluMI emits op [m], imm, with the imm8 form when imm fits. Sizes 8, 16,
// 32, 64.
func (a *Assembler) AluMI(op ALUOp, size int, m Mem, imm int32) {
	name := aluNames[op&7].mi
	if !a.size(name, size, sAll) || !a.mem(name, m) {
		return
	}
	d := byte(op & 7)
	pfx, flags, b := intSize(size)
	flags = digitFlags(flags) &^ fByteM
	switch {
	case b:
		a.encM(pfx, 0x80, flags, d, m, 1)
		a.imm8(int8(imm))
	case fitsInt8(int64(imm)):
		a.encM(pfx, 0x83, flags, d, m, 1)
		a.imm8(int8(imm))
	case size == 16:
		a.encM(pfx, 0x81, flags, d, m, 2)
		a.imm16(int16(imm))
	default:
		a.encM(pfx, 0x81, flags, d, m, 4)
		a.imm32(imm)
	}
}

// AddRR emits add dst, src. Sizes 8, 16, 32, 64 (likewise for all ALU
// wrappers below).
func (a *Assembler) AddRR(size int, dst, src Reg)       { a.AluRR(ALUAdd, size, dst, src) }
func (a *Assembler) AddRI(size int, dst Reg, imm int32) { a.AluRI(ALUAdd, size, dst, imm) }
func (a *Assembler) AddRM(size int, dst Reg, m Mem)     { a.AluRM(ALUAdd, size, dst, m) }
func (a *Assembler) AddMR(size int, m Mem, src Reg)     { a.AluMR(ALUAdd, size, m, src) }
func (a *Assembler) AddMI(size int, m Mem, imm int32)   { a.AluMI(ALUAdd, size, m, imm) }
func (a *Assembler) OrRR(size int, dst, src Reg)        { a.AluRR(ALUOr, size, dst, src) }
func (a *Assembler) OrRI(size int, dst Reg, imm int32)  { a.AluRI(ALUOr, size, dst, imm) }
func (a *Assembler) OrRM(size int, dst Reg, m Mem)      { a.AluRM(ALUOr, size, dst, m) }
func (a *Assembler) OrMR(size int, m Mem, src Reg)      { a.AluMR(ALUOr, size, m, src) }
func (a *Assembler) OrMI(size int, m Mem, imm int32)    { a.AluMI(ALUOr, size, m, imm) }
func (a *Assembler) AdcRR(size int, dst, src Reg)       { a.AluRR(ALUAdc, size, dst, src) }
func (a *Assembler) AdcRI(size int, dst Reg, imm int32) { a.AluRI(ALUAdc, size, dst, imm) }
func (a *Assembler) AdcRM(size int, dst Reg, m Mem)     { a.AluRM(ALUAdc, size, dst, m) }
func (a *Assembler) AdcMR(size int, m Mem, src Reg)     { a.AluMR(ALUAdc, size, m, src) }
func (a *Assembler) AdcMI(size int, m Mem, imm int32)   { a.AluMI(ALUAdc, size, m, imm) }
func (a *Assembler) SbbRR(size int, dst, src Reg)       { a.AluRR(ALUSbb, size, dst, src) }
func (a *Assembler) SbbRI(size int, dst Reg, imm int32) { a.AluRI(ALUSbb, size, dst, imm) }
func (a *Assembler) SbbRM(size int, dst Reg, m Mem)     { a.AluRM(ALUSbb, size, dst, m) }
func (a *Assembler) SbbMR(size int, m Mem, src Reg)     { a.AluMR(ALUSbb, size, m, src) }
func (a *Assembler) SbbMI(size int, m Mem, imm int32)   { a.AluMI(ALUSbb, size, m, imm) }
func (a *Assembler) AndRR(size int, dst, src Reg)       { a.AluRR(ALUAnd, size, dst, src) }
func (a *Assembler) AndRI(size int, dst Reg, imm int32) { a.AluRI(ALUAnd, size, dst, imm) }
func (a *Assembler) AndRM(size int, dst Reg, m Mem)     { a.AluRM(ALUAnd, size, dst, m) }
func (a *Assembler) AndMR(size int, m Mem, src Reg)     { a.AluMR(ALUAnd, size, m, src) }
func (a *Assembler) AndMI(size int, m Mem, imm int32)   { a.AluMI(ALUAnd, size, m, imm) }
func (a *Assembler) SubRR(size int, dst, src Reg)       { a.AluRR(ALUSub, size, dst, src) }
func (a *Assembler) SubRI(size int, dst Reg, imm int32) { a.AluRI(ALUSub, size, dst, imm) }
func (a *Assembler) SubRM(size int, dst Reg, m Mem)     { a.AluRM(ALUSub, size, dst, m) }
func (a *Assembler) SubMR(size int, m Mem, src Reg)     { a.AluMR(ALUSub, size, m, src) }
func (a *Assembler) SubMI(size int, m Mem, imm int32)   { a.AluMI(ALUSub, size, m, imm) }
func (a *Assembler) XorRR(size int, dst, src Reg)       { a.AluRR(ALUXor, size, dst, src) }
func (a *Assembler) XorRI(size int, dst Reg, imm int32) { a.AluRI(ALUXor, size, dst, imm) }
func (a *Assembler) XorRM(size int, dst Reg, m Mem)     { a.AluRM(ALUXor, size, dst, m) }
func (a *Assembler) XorMR(size int, m Mem, src Reg)     { a.AluMR(ALUXor, size, m, src) }
func (a *Assembler) XorMI(size int, m Mem, imm int32)   { a.AluMI(ALUXor, size, m, imm) }
func (a *Assembler) CmpRR(size int, dst, src Reg)       { a.AluRR(ALUCmp, size, dst, src) }
func (a *Assembler) CmpRI(size int, dst Reg, imm int32) { a.AluRI(ALUCmp, size, dst, imm) }
func (a *Assembler) CmpRM(size int, dst Reg, m Mem)     { a.AluRM(ALUCmp, size, dst, m) }
func (a *Assembler) CmpMR(size int, m Mem, src Reg)     { a.AluMR(ALUCmp, size, m, src) }
func (a *Assembler) CmpMI(size int, m Mem, imm int32)   { a.AluMI(ALUCmp, size, m, imm) }

// TestRR emits test r1, r2. Sizes 8, 16, 32, 64.
func (a *Assembler) TestRR(size int, r1, r2 Reg) { a.rr("TestRR", sAll, size, 0x84, 0x85, r2, r1) }

// TestMR emits test [m], r. Sizes 8, 16, 32, 64.
func (a *Assembler) TestMR(size int, m Mem, r Reg) { a.rm("TestMR", sAll, size, 0x84, 0x85, r, m) }

// TestRI emits test r, imm. There is no imm8 form; size 64 sign-extends
// imm32, sizes 8 and 16 truncate it.
func (a *Assembler) TestRI(size int, r Reg, imm int32) {
	const name = "TestRI"
	if !a.size(name, size, sAll) || !a.gpr(name, r) {
		return
	}
	pfx, flags, b := intSize(size)
	switch {
	case b && r == RAX:
		a.buf = append(a.buf, 0xA8, byte(imm))
	case b:
		a.encRR(pfx, 0xF6, digitFlags(flags), 0, byte(r))
		a.imm8(int8(imm))
	case r == RAX:
		a.prefixes(pfx, flags, 0, 0, 0, false)
		a.byte1(0xA9)
		a.immSized(size, imm)
	default:
		a.encRR(pfx, 0xF7, flags, 0, byte(r))
		a.immSized(size, imm)
	}
}

// TestMI emits test [m], imm. Sizes 8, 16, 32, 64.
func (a *Assembler) TestMI(size int, m Mem, imm int32) {
	const name = "TestMI"
	if !a.size(name, size, sAll) || !a.mem(name, m) {
		return
	}
	pfx, flags, b := intSize(size)
	flags &^= fByteR | fByteM
	switch {
	case b:
		a.encM(pfx, 0xF6, flags, 0, m, 1)
		a.imm8(int8(imm))
	case size == 16:
		a.encM(pfx, 0xF7, flags, 0, m, 2)
		a.imm16(int16(imm))
	default:
		a.encM(pfx, 0xF7, flags, 0, m, 4)
		a.imm32(imm)
	}
}

// ---- multiply, divide, unary ----

// ImulRR emits imul dst, src (truncating multiply). Sizes 16, 32, 64.
func (a *Assembler) ImulRR(size int, dst, src Reg) {
	a.rr("ImulRR", s1664, size, 0, 0x0FAF, dst, src)
}

// ImulRM emits imul dst, [m]. Sizes 16, 32, 64.
func (a *Assembler) ImulRM(size int, dst Reg, m Mem) {
	a.rm("ImulRM", s1664, size, 0, 0x0FAF, dst, m)
}

// ImulRRI emits imul dst, src, imm, using the imm8 form when imm fits.
// Sizes 16, 32, 64.
func (a *Assembler) ImulRRI(size int, dst, src Reg, imm int32) {
	const name = "ImulRRI"
	if !a.size(name, size, s1664) || !a.gpr(name, dst) || !a.gpr(name, src) {
		return
	}
	pfx, flags, _ := intSize(size)
	if fitsInt8(int64(imm)) {
		a.encRR(pfx, 0x6B, flags, byte(dst), byte(src))
		a.imm8(int8(imm))
		return
	}
	a.encRR(pfx, 0x69, flags, byte(dst), byte(src))
	a.immSized(size, imm)
}

// unary emits the F6/F7 /digit group (and FE/FF for inc/dec).
func (a *Assembler) unary(name string, op8, op uint32, digit byte, size int, r Reg) {
	if !a.size(name, size, sAll) || !a.gpr(name, r) {
		return
	}
	pfx, flags, b := intSize(size)
	if b {
		op = op8
	}
	a.encRR(pfx, op, digitFlags(flags), digit, byte(r))
}

// MulR emits mul src: rdx:rax = rax * src, unsigned. Sizes 8..64.
func (a *Assembler) MulR(size int, src Reg) { a.unary("MulR", 0xF6, 0xF7, 4, size, src) }

// ImulR emits the one-operand imul src: rdx:rax = rax * src, signed.
func (a *Assembler) ImulR(size int, src Reg) { a.unary("ImulR", 0xF6, 0xF7, 5, size, src) }

// DivR emits div src: unsigned rdx:rax / src, quotient in rax, remainder
// in rdx. Clear rdx first.
func (a *Assembler) DivR(size int, src Reg) { a.unary("DivR", 0xF6, 0xF7, 6, size, src) }

// IdivR emits idiv src: signed rdx:rax / src. Sign-extend with Cdq/Cqo
// first.
func (a *Assembler) IdivR(size int, src Reg) { a.unary("IdivR", 0xF6, 0xF7, 7, size, src) }

// NegR emits neg r (two's complement negation). Sizes 8..64.
func (a *Assembler) NegR(size int, r Reg) { a.unary("NegR", 0xF6, 0xF7, 3, size, r) }

// NotR emits not r. Sizes 8..64.
func (a *Assembler) NotR(size int, r Reg) { a.unary("NotR", 0xF6, 0xF7, 2, size, r) }

// IncR emits inc r. Note inc/dec leave CF unchanged. Sizes 8..64.
func (a *Assembler) IncR(size int, r Reg) { a.unary("IncR", 0xFE, 0xFF, 0, size, r) }

// DecR emits dec r. Sizes 8..64.
func (a *Assembler) DecR(size int, r Reg) { a.unary("DecR", 0xFE, 0xFF, 1, size, r) }

// Cdq sign-extends eax into edx:eax (before a 32-bit idiv).
func (a *Assembler) Cdq() { a.byte1(0x99) }

// Cqo sign-extends rax into rdx:rax (before a 64-bit idiv).
func (a *Assembler) Cqo() { a.buf = append(a.buf, 0x48, 0x99) }

// ---- shifts ----

// ShiftOp selects a shift or rotate; its value is the /digit of the
// C0/C1/D0-D3 opcodes.
type ShiftOp uint8

// Shift and rotate operations.
const (
	ShiftRol ShiftOp = 0
	ShiftRor ShiftOp = 1
	ShiftShl ShiftOp = 4
	ShiftShr ShiftOp = 5 // logical
	ShiftSar ShiftOp = 7 // arithmetic
)

// ShiftCL emits op dst, cl. Sizes 8..64. The count is masked by the CPU
// (mod 32, or mod 64 for size 64), which matches wasm semantics.
func (a *Assembler) ShiftCL(op ShiftOp, size int, dst Reg) {
	a.unary("ShiftCL", 0xD2, 0xD3, byte(op&7), size, dst)
}

// ShiftRI emits op dst, n, using the short by-one form for n == 1.
func (a *Assembler) ShiftRI(op ShiftOp, size int, dst Reg, n uint8) {
	if n == 1 {
		a.unary("ShiftRI", 0xD0, 0xD1, byte(op&7), size, dst)
		return
	}
	before := len(a.buf)
	a.unary("ShiftRI", 0xC0, 0xC1, byte(op&7), size, dst)
	if len(a.buf) != before {
		a.byte1(n)
	}
}

// Shift/rotate wrappers; sizes 8..64.
func (a *Assembler) ShlCL(size int, dst Reg)          { a.ShiftCL(ShiftShl, size, dst) }
func (a *Assembler) ShrCL(size int, dst Reg)          { a.ShiftCL(ShiftShr, size, dst) }
func (a *Assembler) SarCL(size int, dst Reg)          { a.ShiftCL(ShiftSar, size, dst) }
func (a *Assembler) RolCL(size int, dst Reg)          { a.ShiftCL(ShiftRol, size, dst) }
func (a *Assembler) RorCL(size int, dst Reg)          { a.ShiftCL(ShiftRor, size, dst) }
func (a *Assembler) ShlRI(size int, dst Reg, n uint8) { a.ShiftRI(ShiftShl, size, dst, n) }
func (a *Assembler) ShrRI(size int, dst Reg, n uint8) { a.ShiftRI(ShiftShr, size, dst, n) }
func (a *Assembler) SarRI(size int, dst Reg, n uint8) { a.ShiftRI(ShiftSar, size, dst, n) }
func (a *Assembler) RolRI(size int, dst Reg, n uint8) { a.ShiftRI(ShiftRol, size, dst, n) }
func (a *Assembler) RorRI(size int, dst Reg, n uint8) { a.ShiftRI(ShiftRor, size, dst, n) }

// ---- bit scans and counts ----

func (a *Assembler) bitRR(name string, pfx byte, op uint32, size int, dst, src Reg) {
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.gpr(name, src) {
		return
	}
	_, flags, _ := intSize(size)
	a.encRR(pfx, op, flags, byte(dst), byte(src))
}

func (a *Assembler) bitRM(name string, pfx byte, op uint32, size int, dst Reg, m Mem) {
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.mem(name, m) {
		return
	}
	_, flags, _ := intSize(size)
	a.encM(pfx, op, flags, byte(dst), m, 0)
}

// Bit scans and counts; sizes 32, 64. Bsr/Bsf leave dst undefined for a
// zero source (set ZF); Lzcnt/Tzcnt/Popcnt need LZCNT/BMI1/POPCNT CPU
// support — on CPUs without LZCNT/BMI1, the F3 0F BD/BC encodings silently
// execute as bsr/bsf.
func (a *Assembler) BsrRR(size int, dst, src Reg)     { a.bitRR("BsrRR", 0, 0x0FBD, size, dst, src) }
func (a *Assembler) BsrRM(size int, dst Reg, m Mem)   { a.bitRM("BsrRM", 0, 0x0FBD, size, dst, m) }
func (a *Assembler) BsfRR(size int, dst, src Reg)     { a.bitRR("BsfRR", 0, 0x0FBC, size, dst, src) }
func (a *Assembler) BsfRM(size int, dst Reg, m Mem)   { a.bitRM("BsfRM", 0, 0x0FBC, size, dst, m) }
func (a *Assembler) LzcntRR(size int, dst, src Reg)   { a.bitRR("LzcntRR", 0xF3, 0x0FBD, size, dst, src) }
func (a *Assembler) LzcntRM(size int, dst Reg, m Mem) { a.bitRM("LzcntRM", 0xF3, 0x0FBD, size, dst, m) }
func (a *Assembler) TzcntRR(size int, dst, src Reg)   { a.bitRR("TzcntRR", 0xF3, 0x0FBC, size, dst, src) }
func (a *Assembler) TzcntRM(size int, dst Reg, m Mem) { a.bitRM("TzcntRM", 0xF3, 0x0FBC, size, dst, m) }
func (a *Assembler) PopcntRR(size int, dst, src Reg) {
	a.bitRR("PopcntRR", 0xF3, 0x0FB8, size, dst, src)
}
func (a *Assembler) PopcntRM(size int, dst Reg, m Mem) {
	a.bitRM("PopcntRM", 0xF3, 0x0FB8, size, dst, m)
}

// Bswap reverses the bytes of r. Sizes 32, 64.
func (a *Assembler) Bswap(size int, r Reg) {
	const name = "Bswap"
	if !a.size(name, size, s3264) || !a.gpr(name, r) {
		return
	}
	_, flags, _ := intSize(size)
	a.prefixes(0, flags, 0, 0, r.ext(), false)
	a.buf = append(a.buf, 0x0F, 0xC8+r.low3())
}

// ---- conditional ----

// Setcc sets the low byte of dst to 1 if c holds, else 0; the rest of dst
// is unchanged (zero it first, or Movzx afterwards). Any GPR works: SPL,
// BPL, SIL, DIL get the REX prefix they need.
func (a *Assembler) Setcc(c Cond, dst Reg) {
	if !a.gpr("Setcc", dst) {
		return
	}
	a.encRR(0, 0x0F90+uint32(c&15), fByteM, 0, byte(dst))
}

// CmovccRR emits cmovcc dst, src. Sizes 16, 32, 64. Note that a 32-bit
// cmov zeroes the upper half of dst even when c does not hold.
func (a *Assembler) CmovccRR(c Cond, size int, dst, src Reg) {
	a.rr("CmovccRR", s1664, size, 0, 0x0F40+uint32(c&15), dst, src)
}

// CmovccRM emits cmovcc dst, [m]. The load happens (and may fault) even if
// c does not hold. Sizes 16, 32, 64.
func (a *Assembler) CmovccRM(c Cond, size int, dst Reg, m Mem) {
	a.rm("CmovccRM", s1664, size, 0, 0x0F40+uint32(c&15), dst, m)
}
