package asm

// AVX (VEX.128) forms of the packed instructions of simd.go. With three
// operands the result need not overwrite a source, which saves the copy
// SSE's two-address forms need when the first source lives on; and a
// VEX memory operand need not be aligned, so wasm memory can be read by
// the instruction itself. Only the non-destructive-source forms are
// here: unary ops gain nothing from VEX, and the blends take their mask
// from a fourth register operand instead of X0.

// vexForm returns op's VEX opcode map, implied prefix and opcode byte,
// and whether op has a second source (VEX.vvvv).
func vexForm(op VecOp) (mmmmm, pp, opc byte, nds bool) {
	if op >= vecOpCount {
		return 0, 0, 0, false
	}
	e := vecEncs[op]
	switch e.pfx {
	case 0x66:
		pp = vexPP66
	case 0xF3:
		pp = vexPPF3
	case 0xF2:
		pp = vexPPF2
	}
	switch e.op >> 8 {
	case 0x0F:
		mmmmm = vexMap0F
	case 0x0F38:
		mmmmm = vexMap0F38
	case 0x0F3A:
		mmmmm = vexMap0F3A
	}
	switch op {
	case Pabsb, Pabsw, Pabsd, Pmovsxbw, Pmovsxwd, Pmovsxdq, Pmovzxbw, Pmovzxwd, Pmovzxdq,
		Ptest, Pblendvb, Blendvpd, Sqrtps, Sqrtpd, Cvtdq2ps, Cvttps2dq, Cvttpd2dq, Cvtdq2pd,
		Cvtps2pd, Cvtpd2ps, Movdqu, Movaps, Movddup, Movshdup, Pshufd, Pshuflw, Pshufhw,
		Roundps, Roundpd:
		return mmmmm, pp, byte(e.op), false
	}
	return mmmmm, pp, byte(e.op), true
}

// HasVEX3 reports whether op has an AVX three-operand form (VV, VVM,
// VVI, VVMI).
func (op VecOp) HasVEX3() bool {
	_, _, _, nds := vexForm(op)
	return nds
}

func (a *Assembler) vex3(name string, op VecOp, imm bool, regs ...Reg) (mmmmm, pp, opc byte, ok bool) {
	mmmmm, pp, opc, nds := vexForm(op)
	if !nds {
		a.failf(name, "%v has no three-operand AVX form", op)
		return 0, 0, 0, false
	}
	if op.HasImm() != imm {
		a.failf(name, "%v: immediate mismatch", op)
		return 0, 0, 0, false
	}
	for _, r := range regs {
		if !a.xmm(name, r) {
			return 0, 0, 0, false
		}
	}
	return mmmmm, pp, opc, true
}

// VV emits AVX's dst = x op y (vpaddb, vaddps, ...).
func (a *Assembler) VV(op VecOp, dst, x, y Reg) {
	if mm, pp, opc, ok := a.vex3("VV", op, false, dst, x, y); ok {
		a.vexRR(mm, false, byte(x-X0), false, pp, opc, byte(dst-X0), byte(y-X0))
	}
}

// VVI emits dst = x op y with an immediate (vshufps, vcmpps, ...).
func (a *Assembler) VVI(op VecOp, dst, x, y Reg, imm uint8) {
	if mm, pp, opc, ok := a.vex3("VVI", op, true, dst, x, y); ok {
		a.vexRR(mm, false, byte(x-X0), false, pp, opc, byte(dst-X0), byte(y-X0))
		a.buf = append(a.buf, imm)
	}
}

// VVM emits dst = x op [m]; m needs no alignment.
func (a *Assembler) VVM(op VecOp, dst, x Reg, m Mem) {
	if mm, pp, opc, ok := a.vex3("VVM", op, false, dst, x); ok && a.mem("VVM", m) {
		a.vexM(mm, false, byte(x-X0), false, pp, opc, byte(dst-X0), m)
	}
}

// VVMI emits dst = x op [m] with an immediate.
func (a *Assembler) VVMI(op VecOp, dst, x Reg, m Mem, imm uint8) {
	if mm, pp, opc, ok := a.vex3("VVMI", op, true, dst, x); ok && a.mem("VVMI", m) {
		var ix, b byte
		if m.Index != NoReg {
			ix = byte(m.Index)
		}
		if m.Base != NoReg && m.Base != RIP {
			b = byte(m.Base)
		}
		a.vex(mm, false, byte(x-X0), false, pp, byte(dst-X0), ix, b)
		a.buf = append(a.buf, opc)
		a.modrmM(byte(dst-X0), m, 1)
		a.buf = append(a.buf, imm)
	}
}

// Vpbroadcast is AVX2's dst = every lane (size 8, 16, 32 or 64 bits) set
// to the low lane of src: one instruction for the splats SSE needs two
// or three for.
func (a *Assembler) Vpbroadcast(size int, dst, src Reg) {
	const name = "Vpbroadcast"
	if !a.size(name, size, sAll) || !a.xmm(name, dst) || !a.xmm(name, src) {
		return
	}
	op := map[int]byte{8: 0x78, 16: 0x79, 32: 0x58, 64: 0x59}[size]
	a.vexRR(vexMap0F38, false, 0, false, vexPP66, op, byte(dst-X0), byte(src-X0))
}

// VbroadcastM is AVX's dst = every lane (size 8, 16 or 32 bits) set to
// the one read from m: vpbroadcastb/w (AVX2) or vbroadcastss (AVX). m
// needs no alignment and is read for size bits only.
func (a *Assembler) VbroadcastM(size int, dst Reg, m Mem) {
	const name = "VbroadcastM"
	if !a.size(name, size, s8|s16|s32) || !a.xmm(name, dst) || !a.mem(name, m) {
		return
	}
	op := byte(0x18) // vbroadcastss
	switch size {
	case 8:
		op = 0x78
	case 16:
		op = 0x79
	}
	a.vexM(vexMap0F38, false, 0, false, vexPP66, op, byte(dst-X0), m)
}

// Vpblendvb is AVX's dst = y where the top bit of mask's byte is set,
// else x, byte by byte: the mask a fourth register operand (in the
// immediate's high nibble), where SSE4.1's pblendvb reads it from X0.
func (a *Assembler) Vpblendvb(dst, x, y, mask Reg) { a.vblendv("Vpblendvb", 0x4C, dst, x, y, mask) }

// Vblendvpd is Vpblendvb by 64-bit lanes: dst = y where the sign bit of
// mask's lane is set, else x.
func (a *Assembler) Vblendvpd(dst, x, y, mask Reg) { a.vblendv("Vblendvpd", 0x4B, dst, x, y, mask) }

func (a *Assembler) vblendv(name string, op byte, dst, x, y, mask Reg) {
	if !a.xmm(name, dst) || !a.xmm(name, x) || !a.xmm(name, y) || !a.xmm(name, mask) {
		return
	}
	a.vexRR(vexMap0F3A, false, byte(x-X0), false, vexPP66, op, byte(dst-X0), byte(y-X0))
	a.buf = append(a.buf, byte(mask-X0)<<4)
}

// VShiftIV emits AVX's dst = src shifted by n (vpsrlq xmm, xmm, imm and
// the rest of VShift): the result need not overwrite the source, so a
// constant shift of a value that lives on takes no copy first.
func (a *Assembler) VShiftIV(op VShift, dst, src Reg, n uint8) {
	if op >= vshiftCount || !a.xmm("VShiftIV", dst) || !a.xmm("VShiftIV", src) {
		return
	}
	e := vshiftEncs[op]
	a.vexRR(vexMap0F, false, byte(dst-X0), false, vexPP66, byte(e.op), e.digit, byte(src-X0))
	a.byte1(n)
}

// SetVEXMoves makes the packed moves (V and VM with Movaps or Movdqu,
// MovupsRM, MovupsMR, MovdquMR) use their VEX.128 encodings (vmovaps,
// vmovdqu, vmovups), for code whose other vector instructions are VEX
// too: same semantics on the low 128 bits (VEX zeroes bits 255:128,
// which no 128-bit code reads), no legacy SSE instruction between VEX
// ones. It holds until set again; Reset leaves it.
func (a *Assembler) SetVEXMoves(on bool) { a.vexMoves = on }

// vexMove emits the VEX form of a packed move (no second source) when
// SetVEXMoves is on and op is one; it reports whether it did.
func (a *Assembler) vexMove(op VecOp, dst, src Reg, m *Mem) bool {
	if !a.vexMoves || op != Movaps && op != Movdqu {
		return false
	}
	mm, pp, opc, _ := vexForm(op)
	if !a.xmm("vmov", dst) {
		return true
	}
	if m != nil {
		if a.mem("vmov", *m) {
			a.vexM(mm, false, 0, false, pp, opc, byte(dst-X0), *m)
		}
		return true
	}
	if a.xmm("vmov", src) {
		a.vexRR(mm, false, 0, false, pp, opc, byte(dst-X0), byte(src-X0))
	}
	return true
}

// vexStore emits vmovups/vmovdqu [m], src (map 0F, opcode opc, prefix
// pp) when SetVEXMoves is on; it reports whether it did.
func (a *Assembler) vexStore(pp, opc byte, m Mem, src Reg) bool {
	if !a.vexMoves {
		return false
	}
	if a.xmm("vmov", src) && a.mem("vmov", m) {
		a.vexM(vexMap0F, false, 0, false, pp, opc, byte(src-X0), m)
	}
	return true
}

// VpinsrM is AVX's dst = x with lane (of size 8, 16, 32 or 64 bits)
// replaced by the one read from m: vpinsrb/w/d/q with a memory operand,
// which reads only that lane's bytes and needs no alignment; x need not
// be dst.
func (a *Assembler) VpinsrM(size int, dst, x Reg, m Mem, lane uint8) {
	const name = "VpinsrM"
	mm, op, flags, ok := pinsrForm(size)
	if !ok {
		a.failf(name, "bad size %d", size)
		return
	}
	if !a.xmm(name, dst) || !a.xmm(name, x) || !a.mem(name, m) {
		return
	}
	var ix, b byte
	if m.Index != NoReg {
		ix = byte(m.Index)
	}
	if m.Base != NoReg && m.Base != RIP {
		b = byte(m.Base)
	}
	a.vex(mm, flags&fW != 0, byte(x-X0), false, vexPP66, byte(dst-X0), ix, b)
	a.buf = append(a.buf, byte(op))
	a.modrmM(byte(dst-X0), m, 1)
	a.buf = append(a.buf, lane)
}

// Vpinsr is AVX's dst = x with lane replaced by the low size bits of GPR
// src (vpinsrb/w/d/q): no copy of x into dst first.
func (a *Assembler) Vpinsr(size int, dst, x, src Reg, lane uint8) {
	const name = "Vpinsr"
	mm, op, flags, ok := pinsrForm(size)
	if !ok {
		a.failf(name, "bad size %d", size)
		return
	}
	if !a.xmm(name, dst) || !a.xmm(name, x) || !a.gpr(name, src) {
		return
	}
	a.vexRR(mm, flags&fW != 0, byte(x-X0), false, vexPP66, byte(op), byte(dst-X0), byte(src)&15)
	a.buf = append(a.buf, lane)
}
