package asm

// SSE instructions name XMM registers X0..X15. Scalar single ops (…ss) use
// the F3 prefix, scalar double (…sd) F2, packed double and integer ops 66;
// these are mandatory prefixes and so precede any REX byte.

// sseRR emits op dst, src with both in ModRM as XMM (or GPR, per the
// kinds) registers.
func (a *Assembler) sseRR(name string, pfx byte, op uint32, flags int, reg, rm Reg, regXMM, rmXMM bool) bool {
	if !a.kind(name, reg, regXMM) || !a.kind(name, rm, rmXMM) {
		return false
	}
	a.encRR(pfx, op, flags, byte(reg)&15, byte(rm)&15)
	return true
}

func (a *Assembler) sseRM(name string, pfx byte, op uint32, flags int, reg Reg, m Mem, regXMM bool, immLen int) bool {
	if !a.kind(name, reg, regXMM) || !a.mem(name, m) {
		return false
	}
	a.encM(pfx, op, flags, byte(reg)&15, m, immLen)
	return true
}

func (a *Assembler) kind(name string, r Reg, xmm bool) bool {
	if xmm {
		return a.xmm(name, r)
	}
	return a.gpr(name, r)
}

// xx and xm are the common XMM-XMM and XMM-memory shapes.
func (a *Assembler) xx(name string, pfx byte, op uint32, dst, src Reg) {
	a.sseRR(name, pfx, op, 0, dst, src, true, true)
}

func (a *Assembler) xm(name string, pfx byte, op uint32, dst Reg, m Mem) {
	a.sseRM(name, pfx, op, 0, dst, m, true, 0)
}

// Scalar moves. The RR forms merge: movss/movsd xmm, xmm copy only the low
// element. Loads zero the rest of dst.
func (a *Assembler) MovssRR(dst, src Reg)   { a.xx("MovssRR", 0xF3, 0x0F10, dst, src) }
func (a *Assembler) MovssRM(dst Reg, m Mem) { a.xm("MovssRM", 0xF3, 0x0F10, dst, m) }
func (a *Assembler) MovssMR(m Mem, src Reg) { a.sseRM("MovssMR", 0xF3, 0x0F11, 0, src, m, true, 0) }
func (a *Assembler) MovsdRR(dst, src Reg)   { a.xx("MovsdRR", 0xF2, 0x0F10, dst, src) }
func (a *Assembler) MovsdRM(dst Reg, m Mem) { a.xm("MovsdRM", 0xF2, 0x0F10, dst, m) }
func (a *Assembler) MovsdMR(m Mem, src Reg) { a.sseRM("MovsdMR", 0xF2, 0x0F11, 0, src, m, true, 0) }

// Movaps/Movapd copy the whole register; prefer them to MovssRR/MovsdRR
// for plain register copies since they break the dependency on dst.
func (a *Assembler) MovapsRR(dst, src Reg) { a.xx("MovapsRR", 0, 0x0F28, dst, src) }
func (a *Assembler) MovapdRR(dst, src Reg) { a.xx("MovapdRR", 0x66, 0x0F28, dst, src) }

// MovdXR moves 32 bits from GPR src to XMM dst (zeroing the rest).
func (a *Assembler) MovdXR(dst, src Reg) { a.sseRR("MovdXR", 0x66, 0x0F6E, 0, dst, src, true, false) }

// MovdRX moves the low 32 bits of XMM src to GPR dst.
func (a *Assembler) MovdRX(dst, src Reg) { a.sseRR("MovdRX", 0x66, 0x0F7E, 0, src, dst, true, false) }

// MovqXR moves 64 bits from GPR src to XMM dst (zeroing the rest).
func (a *Assembler) MovqXR(dst, src Reg) { a.sseRR("MovqXR", 0x66, 0x0F6E, fW, dst, src, true, false) }

// MovqRX moves the low 64 bits of XMM src to GPR dst.
func (a *Assembler) MovqRX(dst, src Reg) { a.sseRR("MovqRX", 0x66, 0x0F7E, fW, src, dst, true, false) }

// Scalar arithmetic: dst = dst op src.
func (a *Assembler) AddssRR(dst, src Reg)    { a.xx("AddssRR", 0xF3, 0x0F58, dst, src) }
func (a *Assembler) AddssRM(dst Reg, m Mem)  { a.xm("AddssRM", 0xF3, 0x0F58, dst, m) }
func (a *Assembler) AddsdRR(dst, src Reg)    { a.xx("AddsdRR", 0xF2, 0x0F58, dst, src) }
func (a *Assembler) AddsdRM(dst Reg, m Mem)  { a.xm("AddsdRM", 0xF2, 0x0F58, dst, m) }
func (a *Assembler) MulssRR(dst, src Reg)    { a.xx("MulssRR", 0xF3, 0x0F59, dst, src) }
func (a *Assembler) MulssRM(dst Reg, m Mem)  { a.xm("MulssRM", 0xF3, 0x0F59, dst, m) }
func (a *Assembler) MulsdRR(dst, src Reg)    { a.xx("MulsdRR", 0xF2, 0x0F59, dst, src) }
func (a *Assembler) MulsdRM(dst Reg, m Mem)  { a.xm("MulsdRM", 0xF2, 0x0F59, dst, m) }
func (a *Assembler) SubssRR(dst, src Reg)    { a.xx("SubssRR", 0xF3, 0x0F5C, dst, src) }
func (a *Assembler) SubssRM(dst Reg, m Mem)  { a.xm("SubssRM", 0xF3, 0x0F5C, dst, m) }
func (a *Assembler) SubsdRR(dst, src Reg)    { a.xx("SubsdRR", 0xF2, 0x0F5C, dst, src) }
func (a *Assembler) SubsdRM(dst Reg, m Mem)  { a.xm("SubsdRM", 0xF2, 0x0F5C, dst, m) }
func (a *Assembler) DivssRR(dst, src Reg)    { a.xx("DivssRR", 0xF3, 0x0F5E, dst, src) }
func (a *Assembler) DivssRM(dst Reg, m Mem)  { a.xm("DivssRM", 0xF3, 0x0F5E, dst, m) }
func (a *Assembler) DivsdRR(dst, src Reg)    { a.xx("DivsdRR", 0xF2, 0x0F5E, dst, src) }
func (a *Assembler) DivsdRM(dst Reg, m Mem)  { a.xm("DivsdRM", 0xF2, 0x0F5E, dst, m) }
func (a *Assembler) SqrtssRR(dst, src Reg)   { a.xx("SqrtssRR", 0xF3, 0x0F51, dst, src) }
func (a *Assembler) SqrtssRM(dst Reg, m Mem) { a.xm("SqrtssRM", 0xF3, 0x0F51, dst, m) }
func (a *Assembler) SqrtsdRR(dst, src Reg)   { a.xx("SqrtsdRR", 0xF2, 0x0F51, dst, src) }
func (a *Assembler) SqrtsdRM(dst Reg, m Mem) { a.xm("SqrtsdRM", 0xF2, 0x0F51, dst, m) }

// Min/Max return the second (src) operand when either is NaN or both are
// zero, so they do not implement wasm f32.min/max alone.
func (a *Assembler) MinssRR(dst, src Reg)   { a.xx("MinssRR", 0xF3, 0x0F5D, dst, src) }
func (a *Assembler) MinssRM(dst Reg, m Mem) { a.xm("MinssRM", 0xF3, 0x0F5D, dst, m) }
func (a *Assembler) MinsdRR(dst, src Reg)   { a.xx("MinsdRR", 0xF2, 0x0F5D, dst, src) }
func (a *Assembler) MinsdRM(dst Reg, m Mem) { a.xm("MinsdRM", 0xF2, 0x0F5D, dst, m) }
func (a *Assembler) MaxssRR(dst, src Reg)   { a.xx("MaxssRR", 0xF3, 0x0F5F, dst, src) }
func (a *Assembler) MaxssRM(dst Reg, m Mem) { a.xm("MaxssRM", 0xF3, 0x0F5F, dst, m) }
func (a *Assembler) MaxsdRR(dst, src Reg)   { a.xx("MaxsdRR", 0xF2, 0x0F5F, dst, src) }
func (a *Assembler) MaxsdRM(dst Reg, m Mem) { a.xm("MaxsdRM", 0xF2, 0x0F5F, dst, m) }

// Comparisons set ZF, PF, CF like an unsigned compare (PF=1: unordered).
// Ucomis* raise invalid only for signalling NaNs, Comis* for any NaN.
func (a *Assembler) UcomissRR(a1, a2 Reg)      { a.xx("UcomissRR", 0, 0x0F2E, a1, a2) }
func (a *Assembler) UcomissRM(a1 Reg, m Mem)   { a.xm("UcomissRM", 0, 0x0F2E, a1, m) }
func (a *Assembler) UcomisdRR(a1, a2 Reg)      { a.xx("UcomisdRR", 0x66, 0x0F2E, a1, a2) }
func (a *Assembler) UcomisdRM(a1 Reg, m Mem)   { a.xm("UcomisdRM", 0x66, 0x0F2E, a1, m) }
func (a *Assembler) ComissRR(a1, a2 Reg)       { a.xx("ComissRR", 0, 0x0F2F, a1, a2) }
func (a *Assembler) ComissRM(a1 Reg, m Mem)    { a.xm("ComissRM", 0, 0x0F2F, a1, m) }
func (a *Assembler) ComisdRR(a1, a2 Reg)       { a.xx("ComisdRR", 0x66, 0x0F2F, a1, a2) }
func (a *Assembler) ComisdRM(a1 Reg, m Mem)    { a.xm("ComisdRM", 0x66, 0x0F2F, a1, m) }
func (a *Assembler) Cvtss2sdRR(dst, src Reg)   { a.xx("Cvtss2sdRR", 0xF3, 0x0F5A, dst, src) }
func (a *Assembler) Cvtss2sdRM(dst Reg, m Mem) { a.xm("Cvtss2sdRM", 0xF3, 0x0F5A, dst, m) }
func (a *Assembler) Cvtsd2ssRR(dst, src Reg)   { a.xx("Cvtsd2ssRR", 0xF2, 0x0F5A, dst, src) }
func (a *Assembler) Cvtsd2ssRM(dst Reg, m Mem) { a.xm("Cvtsd2ssRM", 0xF2, 0x0F5A, dst, m) }

// Bitwise ops on whole registers. The RM forms need a 16-byte aligned
// operand (legacy SSE), e.g. a constant placed after Align(16).
func (a *Assembler) AndpsRR(dst, src Reg)   { a.xx("AndpsRR", 0, 0x0F54, dst, src) }
func (a *Assembler) AndpsRM(dst Reg, m Mem) { a.xm("AndpsRM", 0, 0x0F54, dst, m) }
func (a *Assembler) AndpdRR(dst, src Reg)   { a.xx("AndpdRR", 0x66, 0x0F54, dst, src) }
func (a *Assembler) AndpdRM(dst Reg, m Mem) { a.xm("AndpdRM", 0x66, 0x0F54, dst, m) }

// Andn*: dst = ^dst & src.
func (a *Assembler) AndnpsRR(dst, src Reg)   { a.xx("AndnpsRR", 0, 0x0F55, dst, src) }
func (a *Assembler) AndnpsRM(dst Reg, m Mem) { a.xm("AndnpsRM", 0, 0x0F55, dst, m) }
func (a *Assembler) AndnpdRR(dst, src Reg)   { a.xx("AndnpdRR", 0x66, 0x0F55, dst, src) }
func (a *Assembler) AndnpdRM(dst Reg, m Mem) { a.xm("AndnpdRM", 0x66, 0x0F55, dst, m) }
func (a *Assembler) OrpsRR(dst, src Reg)     { a.xx("OrpsRR", 0, 0x0F56, dst, src) }
func (a *Assembler) OrpsRM(dst Reg, m Mem)   { a.xm("OrpsRM", 0, 0x0F56, dst, m) }
func (a *Assembler) OrpdRR(dst, src Reg)     { a.xx("OrpdRR", 0x66, 0x0F56, dst, src) }
func (a *Assembler) OrpdRM(dst Reg, m Mem)   { a.xm("OrpdRM", 0x66, 0x0F56, dst, m) }
func (a *Assembler) XorpsRR(dst, src Reg)    { a.xx("XorpsRR", 0, 0x0F57, dst, src) }
func (a *Assembler) XorpsRM(dst Reg, m Mem)  { a.xm("XorpsRM", 0, 0x0F57, dst, m) }
func (a *Assembler) XorpdRR(dst, src Reg)    { a.xx("XorpdRR", 0x66, 0x0F57, dst, src) }
func (a *Assembler) XorpdRM(dst Reg, m Mem)  { a.xm("XorpdRM", 0x66, 0x0F57, dst, m) }
func (a *Assembler) PxorRR(dst, src Reg)     { a.xx("PxorRR", 0x66, 0x0FEF, dst, src) }
func (a *Assembler) PxorRM(dst Reg, m Mem)   { a.xm("PxorRM", 0x66, 0x0FEF, dst, m) }

// cvtToX converts a srcSize-bit integer to float (pfx F3: single, F2:
// double). REX.W selects a 64-bit source.
func (a *Assembler) cvtToX(name string, pfx byte, srcSize int, dst, src Reg) {
	if !a.size(name, srcSize, s3264) {
		return
	}
	_, flags, _ := intSize(srcSize)
	a.sseRR(name, pfx, 0x0F2A, flags, dst, src, true, false)
}

func (a *Assembler) cvtToXM(name string, pfx byte, srcSize int, dst Reg, m Mem) {
	if !a.size(name, srcSize, s3264) {
		return
	}
	_, flags, _ := intSize(srcSize)
	a.sseRM(name, pfx, 0x0F2A, flags, dst, m, true, 0)
}

// Cvtsi2ss/sd convert a signed srcSize-bit (32, 64) integer. They only
// write the low element, so a preceding Xorps on dst avoids a false
// dependency.
func (a *Assembler) Cvtsi2ssRR(srcSize int, dst, src Reg) {
	a.cvtToX("Cvtsi2ssRR", 0xF3, srcSize, dst, src)
}
func (a *Assembler) Cvtsi2sdRR(srcSize int, dst, src Reg) {
	a.cvtToX("Cvtsi2sdRR", 0xF2, srcSize, dst, src)
}
func (a *Assembler) Cvtsi2ssRM(srcSize int, dst Reg, m Mem) {
	a.cvtToXM("Cvtsi2ssRM", 0xF3, srcSize, dst, m)
}
func (a *Assembler) Cvtsi2sdRM(srcSize int, dst Reg, m Mem) {
	a.cvtToXM("Cvtsi2sdRM", 0xF2, srcSize, dst, m)
}

func (a *Assembler) cvtToR(name string, pfx byte, op uint32, dstSize int, dst, src Reg) {
	if !a.size(name, dstSize, s3264) {
		return
	}
	_, flags, _ := intSize(dstSize)
	a.sseRR(name, pfx, op, flags, dst, src, false, true)
}

// Cvtt*2si truncate toward zero into a dstSize-bit (32, 64) signed
// integer; out-of-range and NaN give the "integer indefinite" value
// 0x80000000 / 0x8000000000000000. Cvt*2si round per MXCSR.
func (a *Assembler) Cvttss2siRR(dstSize int, dst, src Reg) {
	a.cvtToR("Cvttss2siRR", 0xF3, 0x0F2C, dstSize, dst, src)
}
func (a *Assembler) Cvttsd2siRR(dstSize int, dst, src Reg) {
	a.cvtToR("Cvttsd2siRR", 0xF2, 0x0F2C, dstSize, dst, src)
}
func (a *Assembler) Cvtss2siRR(dstSize int, dst, src Reg) {
	a.cvtToR("Cvtss2siRR", 0xF3, 0x0F2D, dstSize, dst, src)
}
func (a *Assembler) Cvtsd2siRR(dstSize int, dst, src Reg) {
	a.cvtToR("Cvtsd2siRR", 0xF2, 0x0F2D, dstSize, dst, src)
}

// RoundMode is the immediate of roundss/roundsd. Bit 3 (RoundNoExc)
// suppresses the precision exception.
type RoundMode uint8

// Rounding modes for Roundss/Roundsd; wasm's nearest/floor/ceil/trunc.
const (
	RoundNearest RoundMode = 0
	RoundFloor   RoundMode = 1
	RoundCeil    RoundMode = 2
	RoundTrunc   RoundMode = 3
	RoundNoExc   RoundMode = 8
)

func (a *Assembler) round(name string, op uint32, dst, src Reg, mode RoundMode) {
	if a.sseRR(name, 0x66, op, 0, dst, src, true, true) {
		a.byte1(byte(mode))
	}
}

func (a *Assembler) roundM(name string, op uint32, dst Reg, m Mem, mode RoundMode) {
	if a.sseRM(name, 0x66, op, 0, dst, m, true, 1) {
		a.byte1(byte(mode))
	}
}

// Roundss/Roundsd (SSE4.1) round to an integral value per mode.
func (a *Assembler) RoundssRR(dst, src Reg, mode RoundMode) {
	a.round("RoundssRR", 0x0F3A0A, dst, src, mode)
}
func (a *Assembler) RoundsdRR(dst, src Reg, mode RoundMode) {
	a.round("RoundsdRR", 0x0F3A0B, dst, src, mode)
}
func (a *Assembler) RoundssRM(dst Reg, m Mem, mode RoundMode) {
	a.roundM("RoundssRM", 0x0F3A0A, dst, m, mode)
}
func (a *Assembler) RoundsdRM(dst Reg, m Mem, mode RoundMode) {
	a.roundM("RoundsdRM", 0x0F3A0B, dst, m, mode)
}
