package asm

// VEX-encoded instructions: BMI1's three-operand ANDN and the 256-bit AVX
// moves of memory.copy. The caller checks the CPU features (the object
// records them; the loader refuses a host without them).

// VEX opcode maps (VEX.mmmmm) and implied prefixes (VEX.pp).
const (
	vexMap0F   = 1
	vexMap0F38 = 2
	vexMap0F3A = 3

	vexPPNone = 0
	vexPP66   = 1
	vexPPF3   = 2
	vexPPF2   = 3
)

// vex emits a VEX prefix. reg, index and base are the hardware numbers
// (0-15) whose high bits go to VEX.R, X and B (inverted); vvvv is the
// extra source register; l256 selects 256-bit vectors. The two-byte form
// is used when it can say the same.
func (a *Assembler) vex(mmmmm byte, w bool, vvvv byte, l256 bool, pp byte, reg, index, base byte) {
	r, x, b := ^reg>>3&1, ^index>>3&1, ^base>>3&1
	low := (^vvvv&15)<<3 | pp
	if l256 {
		low |= 4
	}
	if mmmmm == vexMap0F && !w && x == 1 && b == 1 {
		a.buf = append(a.buf, 0xC5, r<<7|low)
		return
	}
	var wb byte
	if w {
		wb = 0x80
	}
	a.buf = append(a.buf, 0xC4, r<<7|x<<6|b<<5|mmmmm, wb|low)
}

// vexM emits a VEX instruction with a memory operand in ModRM.rm.
func (a *Assembler) vexM(mmmmm byte, w bool, vvvv byte, l256 bool, pp byte, op byte, reg byte, m Mem) {
	var x, b byte
	if m.Index != NoReg {
		x = byte(m.Index)
	}
	if m.Base != NoReg && m.Base != RIP {
		b = byte(m.Base)
	}
	a.vex(mmmmm, w, vvvv, l256, pp, reg, x, b)
	a.buf = append(a.buf, op)
	a.modrmM(reg, m, 0)
}

// vexRR emits a VEX instruction with registers in ModRM.reg and rm.
func (a *Assembler) vexRR(mmmmm byte, w bool, vvvv byte, l256 bool, pp byte, op byte, reg, rm byte) {
	a.vex(mmmmm, w, vvvv, l256, pp, reg, 0, rm)
	a.buf = append(a.buf, op, 0xC0|(reg&7)<<3|rm&7)
}

// AndnRR is BMI1's dst = ^x & y; sizes 32, 64. It sets ZF and SF from
// the result.
func (a *Assembler) AndnRR(size int, dst, x, y Reg) {
	const name = "AndnRR"
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.gpr(name, x) || !a.gpr(name, y) {
		return
	}
	a.vexRR(vexMap0F38, size == 64, byte(x), false, vexPPNone, 0xF2, byte(dst), byte(y))
}

// AndnRM is dst = ^x & [m]; sizes 32, 64.
func (a *Assembler) AndnRM(size int, dst, x Reg, m Mem) {
	const name = "AndnRM"
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.gpr(name, x) || !a.mem(name, m) {
		return
	}
	a.vexM(vexMap0F38, size == 64, byte(x), false, vexPPNone, 0xF2, byte(dst), m)
}

// VmovdquYRM loads 32 bytes into the ymm register of XMM register dst
// (AVX).
func (a *Assembler) VmovdquYRM(dst Reg, m Mem) {
	const name = "VmovdquYRM"
	if !a.xmm(name, dst) || !a.mem(name, m) {
		return
	}
	a.vexM(vexMap0F, false, 0, true, vexPPF3, 0x6F, byte(dst-X0), m)
}

// VmovdquYMR stores the 32 bytes of the ymm register of XMM register src.
func (a *Assembler) VmovdquYMR(m Mem, src Reg) {
	const name = "VmovdquYMR"
	if !a.xmm(name, src) || !a.mem(name, m) {
		return
	}
	a.vexM(vexMap0F, false, 0, true, vexPPF3, 0x7F, byte(src-X0), m)
}

// Vzeroupper clears the upper halves of the ymm registers, so later SSE
// code pays no transition penalty (Intel) or false dependency.
func (a *Assembler) Vzeroupper() { a.buf = append(a.buf, 0xC5, 0xF8, 0x77) }

// FloatArith selects a scalar AVX arithmetic instruction.
type FloatArith uint8

const (
	FAdd FloatArith = 0x58
	FMul FloatArith = 0x59
	FSub FloatArith = 0x5C
	FDiv FloatArith = 0x5E
	// FMin and FMax are x86's minsd/maxsd (y when either is NaN or both
	// are zeros), not wasm's min/max.
	FMin FloatArith = 0x5D
	FMax FloatArith = 0x5F
	// FSqrt is dst = sqrt(y) with the rest of dst from x: vsqrtsd d, x, x
	// reads only x, where SSE's sqrtsd d, x also waits for d's last
	// writer (it keeps d's upper bits), a false dependency.
	FSqrt FloatArith = 0x51
	// FCvt converts y between the scalar float sizes; size is y's: 32 is
	// vcvtss2sd, 64 vcvtsd2ss. Like FSqrt it depends only on x and y.
	FCvt FloatArith = 0x5A
)

// VfloatRRR is AVX's three-operand scalar dst = x op y (vaddss, vaddsd,
// ...; size 32 or 64): unlike SSE's two-address form it needs no copy of
// x into dst first. The rest of dst's low 128 bits come from x.
func (a *Assembler) VfloatRRR(op FloatArith, size int, dst, x, y Reg) {
	const name = "VfloatRRR"
	if !a.size(name, size, s3264) || !a.xmm(name, dst) || !a.xmm(name, x) || !a.xmm(name, y) {
		return
	}
	a.vexRR(vexMap0F, false, byte(x-X0), false, floatPP(size), byte(op), byte(dst-X0), byte(y-X0))
}

// VfloatRRM is dst = x op [m], the scalar operand read from memory.
func (a *Assembler) VfloatRRM(op FloatArith, size int, dst, x Reg, m Mem) {
	const name = "VfloatRRM"
	if !a.size(name, size, s3264) || !a.xmm(name, dst) || !a.xmm(name, x) || !a.mem(name, m) {
		return
	}
	a.vexM(vexMap0F, false, byte(x-X0), false, floatPP(size), byte(op), byte(dst-X0), m)
}

// VroundRRRI is SSE4.1's roundss/roundsd (size 32 or 64) in AVX's
// three-operand form: dst = y rounded per mode, the rest of dst from x
// (vroundsd d, x, x, mode reads only x; roundsd d, x keeps d's upper bits
// and so waits for d's last writer).
func (a *Assembler) VroundRRRI(size int, dst, x, y Reg, mode RoundMode) {
	const name = "VroundRRRI"
	if !a.size(name, size, s3264) || !a.xmm(name, dst) || !a.xmm(name, x) || !a.xmm(name, y) {
		return
	}
	op := byte(0x0A) // vroundss
	if size == 64 {
		op = 0x0B
	}
	a.vexRR(vexMap0F3A, false, byte(x-X0), false, vexPP66, op, byte(dst-X0), byte(y-X0))
	a.buf = append(a.buf, byte(mode))
}

func floatPP(size int) byte {
	if size == 32 {
		return vexPPF3
	}
	return vexPPF2
}

// RorxRRI is BMI2's dst = src rotated right by n (size 32 or 64): a
// rotation into another register without a copy first, and without
// touching the flags.
func (a *Assembler) RorxRRI(size int, dst, src Reg, n uint8) {
	const name = "RorxRRI"
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.gpr(name, src) {
		return
	}
	a.vexRR(vexMap0F3A, size == 64, 0, false, vexPPF2, 0xF0, byte(dst), byte(src))
	a.buf = append(a.buf, n)
}

// RorxRMI is dst = [m] rotated right by n.
func (a *Assembler) RorxRMI(size int, dst Reg, m Mem, n uint8) {
	const name = "RorxRMI"
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.mem(name, m) {
		return
	}
	if m.Base == RIP {
		// vexM's rip-relative fixup does not account for the immediate.
		a.failf(name, "rip-relative operand not supported")
		return
	}
	a.vexM(vexMap0F3A, size == 64, 0, false, vexPPF2, 0xF0, byte(dst), m)
	a.buf = append(a.buf, n)
}

// shiftxPP is the VEX.pp of BMI2's shlx, shrx and sarx for op, 0 for an
// op that has no such form (the rotates).
func shiftxPP(op ShiftOp) (byte, bool) {
	switch op {
	case ShiftShl:
		return vexPP66, true
	case ShiftShr:
		return vexPPF2, true
	case ShiftSar:
		return vexPPF3, true
	}
	return 0, false
}

// ShiftxRRR is BMI2's shlx, shrx or sarx (op; size 32 or 64): dst = src
// shifted by count (masked to the size, as the CL forms do), with the
// count in any register and without touching the flags.
func (a *Assembler) ShiftxRRR(op ShiftOp, size int, dst, src, count Reg) {
	const name = "ShiftxRRR"
	pp, ok := shiftxPP(op)
	if !ok {
		a.failf(name, "no BMI2 form of shift %d", op)
		return
	}
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.gpr(name, src) || !a.gpr(name, count) {
		return
	}
	a.vexRR(vexMap0F38, size == 64, byte(count), false, pp, 0xF7, byte(dst), byte(src))
}

// ShiftxRMR is ShiftxRRR with the value shifted read from m.
func (a *Assembler) ShiftxRMR(op ShiftOp, size int, dst Reg, m Mem, count Reg) {
	const name = "ShiftxRMR"
	pp, ok := shiftxPP(op)
	if !ok {
		a.failf(name, "no BMI2 form of shift %d", op)
		return
	}
	if !a.size(name, size, s3264) || !a.gpr(name, dst) || !a.mem(name, m) || !a.gpr(name, count) {
		return
	}
	a.vexM(vexMap0F38, size == 64, byte(count), false, pp, 0xF7, byte(dst), m)
}
