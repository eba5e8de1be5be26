package asm

// Packed SSE/SSSE3/SSE4.1 instructions for wasm SIMD. They are table
// driven: a VecOp names one instruction; V (xmm, xmm), VI (xmm, xmm,
// imm8) and VM (xmm, [m]) encode its legacy-SSE form. Legacy SSE needs a
// 16-byte aligned m128 operand except for the unaligned moves, so code
// generators fold only aligned memory (or use Movdqu first).

// VecOp is a packed XMM instruction.
type VecOp uint8

// Packed instructions, named as in the Intel manual.
const (
	Paddb VecOp = iota
	Paddw
	Paddd
	Paddq
	Psubb
	Psubw
	Psubd
	Psubq
	Paddsb
	Paddsw
	Paddusb
	Paddusw
	Psubsb
	Psubsw
	Psubusb
	Psubusw
	Pmullw
	Pmulld
	Pmulhw
	Pmulhuw
	Pmuludq
	Pmuldq
	Pmaddwd
	Pmaddubsw
	Pmulhrsw
	Pavgb
	Pavgw
	Pminsb
	Pminsw
	Pminsd
	Pminub
	Pminuw
	Pminud
	Pmaxsb
	Pmaxsw
	Pmaxsd
	Pmaxub
	Pmaxuw
	Pmaxud
	Pabsb
	Pabsw
	Pabsd
	Pcmpeqb
	Pcmpeqw
	Pcmpeqd
	Pcmpeqq
	Pcmpgtb
	Pcmpgtw
	Pcmpgtd
	Pcmpgtq
	Pand
	Pandn
	Por
	Pxor
	Packsswb
	Packssdw
	Packuswb
	Packusdw
	Punpcklbw
	Punpcklwd
	Punpckldq
	Punpcklqdq
	Punpckhbw
	Punpckhwd
	Punpckhdq
	Punpckhqdq
	Pshufb
	Pmovsxbw
	Pmovsxwd
	Pmovsxdq
	Pmovzxbw
	Pmovzxwd
	Pmovzxdq
	Ptest
	Pblendvb
	Psllw
	Pslld
	Psllq
	Psrlw
	Psrld
	Psrlq
	Psraw
	Psrad
	Addps
	Addpd
	Subps
	Subpd
	Mulps
	Mulpd
	Divps
	Divpd
	Minps
	Minpd
	Maxps
	Maxpd
	Sqrtps
	Sqrtpd
	Andps
	Andpd
	Andnps
	Andnpd
	Orps
	Xorps
	Cvtdq2ps
	Cvttps2dq
	Cvttpd2dq
	Cvtdq2pd
	Cvtps2pd
	Cvtpd2ps
	Movdqu
	Movaps
	Movddup
	Movshdup
	Movhlps
	Movlhps
	Unpcklps
	Blendvpd
	// Forms with an imm8 (VI).
	Pshufd
	Pshuflw
	Pshufhw
	Shufps
	Cmpps
	Cmppd
	Roundps
	Roundpd
	Palignr
	Pblendw
	Insertps
	vecOpCount
)

type vecEnc struct {
	name string
	pfx  byte
	op   uint32
}

var vecEncs = [vecOpCount]vecEnc{
	Paddb: {"paddb", 0x66, 0x0FFC}, Paddw: {"paddw", 0x66, 0x0FFD}, Paddd: {"paddd", 0x66, 0x0FFE},
	Paddq: {"paddq", 0x66, 0x0FD4}, Psubb: {"psubb", 0x66, 0x0FF8}, Psubw: {"psubw", 0x66, 0x0FF9},
	Psubd: {"psubd", 0x66, 0x0FFA}, Psubq: {"psubq", 0x66, 0x0FFB},
	Paddsb: {"paddsb", 0x66, 0x0FEC}, Paddsw: {"paddsw", 0x66, 0x0FED},
	Paddusb: {"paddusb", 0x66, 0x0FDC}, Paddusw: {"paddusw", 0x66, 0x0FDD},
	Psubsb: {"psubsb", 0x66, 0x0FE8}, Psubsw: {"psubsw", 0x66, 0x0FE9},
	Psubusb: {"psubusb", 0x66, 0x0FD8}, Psubusw: {"psubusw", 0x66, 0x0FD9},
	Pmullw: {"pmullw", 0x66, 0x0FD5}, Pmulld: {"pmulld", 0x66, 0x0F3840},
	Pmulhw: {"pmulhw", 0x66, 0x0FE5}, Pmulhuw: {"pmulhuw", 0x66, 0x0FE4},
	Pmuludq: {"pmuludq", 0x66, 0x0FF4}, Pmuldq: {"pmuldq", 0x66, 0x0F3828},
	Pmaddwd: {"pmaddwd", 0x66, 0x0FF5}, Pmaddubsw: {"pmaddubsw", 0x66, 0x0F3804},
	Pmulhrsw: {"pmulhrsw", 0x66, 0x0F380B},
	Pavgb:    {"pavgb", 0x66, 0x0FE0}, Pavgw: {"pavgw", 0x66, 0x0FE3},
	Pminsb: {"pminsb", 0x66, 0x0F3838}, Pminsw: {"pminsw", 0x66, 0x0FEA}, Pminsd: {"pminsd", 0x66, 0x0F3839},
	Pminub: {"pminub", 0x66, 0x0FDA}, Pminuw: {"pminuw", 0x66, 0x0F383A}, Pminud: {"pminud", 0x66, 0x0F383B},
	Pmaxsb: {"pmaxsb", 0x66, 0x0F383C}, Pmaxsw: {"pmaxsw", 0x66, 0x0FEE}, Pmaxsd: {"pmaxsd", 0x66, 0x0F383D},
	Pmaxub: {"pmaxub", 0x66, 0x0FDE}, Pmaxuw: {"pmaxuw", 0x66, 0x0F383E}, Pmaxud: {"pmaxud", 0x66, 0x0F383F},
	Pabsb: {"pabsb", 0x66, 0x0F381C}, Pabsw: {"pabsw", 0x66, 0x0F381D}, Pabsd: {"pabsd", 0x66, 0x0F381E},
	Pcmpeqb: {"pcmpeqb", 0x66, 0x0F74}, Pcmpeqw: {"pcmpeqw", 0x66, 0x0F75}, Pcmpeqd: {"pcmpeqd", 0x66, 0x0F76},
	Pcmpeqq: {"pcmpeqq", 0x66, 0x0F3829},
	Pcmpgtb: {"pcmpgtb", 0x66, 0x0F64}, Pcmpgtw: {"pcmpgtw", 0x66, 0x0F65}, Pcmpgtd: {"pcmpgtd", 0x66, 0x0F66},
	Pcmpgtq: {"pcmpgtq", 0x66, 0x0F3837},
	Pand:    {"pand", 0x66, 0x0FDB}, Pandn: {"pandn", 0x66, 0x0FDF}, Por: {"por", 0x66, 0x0FEB}, Pxor: {"pxor", 0x66, 0x0FEF},
	Packsswb: {"packsswb", 0x66, 0x0F63}, Packssdw: {"packssdw", 0x66, 0x0F6B},
	Packuswb: {"packuswb", 0x66, 0x0F67}, Packusdw: {"packusdw", 0x66, 0x0F382B},
	Punpcklbw: {"punpcklbw", 0x66, 0x0F60}, Punpcklwd: {"punpcklwd", 0x66, 0x0F61},
	Punpckldq: {"punpckldq", 0x66, 0x0F62}, Punpcklqdq: {"punpcklqdq", 0x66, 0x0F6C},
	Punpckhbw: {"punpckhbw", 0x66, 0x0F68}, Punpckhwd: {"punpckhwd", 0x66, 0x0F69},
	Punpckhdq: {"punpckhdq", 0x66, 0x0F6A}, Punpckhqdq: {"punpckhqdq", 0x66, 0x0F6D},
	Pshufb:   {"pshufb", 0x66, 0x0F3800},
	Pmovsxbw: {"pmovsxbw", 0x66, 0x0F3820}, Pmovsxwd: {"pmovsxwd", 0x66, 0x0F3823}, Pmovsxdq: {"pmovsxdq", 0x66, 0x0F3825},
	Pmovzxbw: {"pmovzxbw", 0x66, 0x0F3830}, Pmovzxwd: {"pmovzxwd", 0x66, 0x0F3833}, Pmovzxdq: {"pmovzxdq", 0x66, 0x0F3835},
	Ptest: {"ptest", 0x66, 0x0F3817}, Pblendvb: {"pblendvb", 0x66, 0x0F3810},
	Psllw: {"psllw", 0x66, 0x0FF1}, Pslld: {"pslld", 0x66, 0x0FF2}, Psllq: {"psllq", 0x66, 0x0FF3},
	Psrlw: {"psrlw", 0x66, 0x0FD1}, Psrld: {"psrld", 0x66, 0x0FD2}, Psrlq: {"psrlq", 0x66, 0x0FD3},
	Psraw: {"psraw", 0x66, 0x0FE1}, Psrad: {"psrad", 0x66, 0x0FE2},
	Addps: {"addps", 0, 0x0F58}, Addpd: {"addpd", 0x66, 0x0F58}, Subps: {"subps", 0, 0x0F5C}, Subpd: {"subpd", 0x66, 0x0F5C},
	Mulps: {"mulps", 0, 0x0F59}, Mulpd: {"mulpd", 0x66, 0x0F59}, Divps: {"divps", 0, 0x0F5E}, Divpd: {"divpd", 0x66, 0x0F5E},
	Minps: {"minps", 0, 0x0F5D}, Minpd: {"minpd", 0x66, 0x0F5D}, Maxps: {"maxps", 0, 0x0F5F}, Maxpd: {"maxpd", 0x66, 0x0F5F},
	Sqrtps: {"sqrtps", 0, 0x0F51}, Sqrtpd: {"sqrtpd", 0x66, 0x0F51},
	Andps: {"andps", 0, 0x0F54}, Andpd: {"andpd", 0x66, 0x0F54}, Andnps: {"andnps", 0, 0x0F55}, Andnpd: {"andnpd", 0x66, 0x0F55},
	Orps: {"orps", 0, 0x0F56}, Xorps: {"xorps", 0, 0x0F57},
	Cvtdq2ps: {"cvtdq2ps", 0, 0x0F5B}, Cvttps2dq: {"cvttps2dq", 0xF3, 0x0F5B}, Cvttpd2dq: {"cvttpd2dq", 0x66, 0x0FE6},
	Cvtdq2pd: {"cvtdq2pd", 0xF3, 0x0FE6}, Cvtps2pd: {"cvtps2pd", 0, 0x0F5A}, Cvtpd2ps: {"cvtpd2ps", 0x66, 0x0F5A},
	Movdqu: {"movdqu", 0xF3, 0x0F6F}, Movaps: {"movaps", 0, 0x0F28}, Movddup: {"movddup", 0xF2, 0x0F12},
	Movshdup: {"movshdup", 0xF3, 0x0F16}, Movhlps: {"movhlps", 0, 0x0F12}, Movlhps: {"movlhps", 0, 0x0F16},
	Unpcklps: {"unpcklps", 0, 0x0F14}, Blendvpd: {"blendvpd", 0x66, 0x0F3815},
	Pshufd: {"pshufd", 0x66, 0x0F70}, Pshuflw: {"pshuflw", 0xF2, 0x0F70}, Pshufhw: {"pshufhw", 0xF3, 0x0F70},
	Shufps: {"shufps", 0, 0x0FC6}, Cmpps: {"cmpps", 0, 0x0FC2}, Cmppd: {"cmppd", 0x66, 0x0FC2},
	Roundps: {"roundps", 0x66, 0x0F3A08}, Roundpd: {"roundpd", 0x66, 0x0F3A09},
	Palignr: {"palignr", 0x66, 0x0F3A0F}, Pblendw: {"pblendw", 0x66, 0x0F3A0E}, Insertps: {"insertps", 0x66, 0x0F3A21},
}

// String is the instruction's mnemonic.
func (op VecOp) String() string {
	if op < vecOpCount {
		return vecEncs[op].name
	}
	return "vecop?"
}

// HasImm reports whether op takes an imm8 (encode it with VI).
func (op VecOp) HasImm() bool { return op >= Pshufd && op < vecOpCount }

// V emits op dst, src. Pblendvb and Blendvpd read their mask from X0.
func (a *Assembler) V(op VecOp, dst, src Reg) {
	if op >= vecOpCount {
		a.failf("V", "bad VecOp %d", op)
		return
	}
	if a.vexMove(op, dst, src, nil) {
		return
	}
	e := vecEncs[op]
	a.sseRR(e.name, e.pfx, e.op, 0, dst, src, true, true)
}

// VI emits op dst, src, imm.
func (a *Assembler) VI(op VecOp, dst, src Reg, imm uint8) {
	if op >= vecOpCount {
		a.failf("VI", "bad VecOp %d", op)
		return
	}
	e := vecEncs[op]
	if a.sseRR(e.name, e.pfx, e.op, 0, dst, src, true, true) {
		a.byte1(imm)
	}
}

// VM emits op dst, [m] (an m128 operand must be 16-byte aligned for every
// op but Movdqu). Movhlps and Movlhps have no memory form: the encodings
// are movlps and movhps.
func (a *Assembler) VM(op VecOp, dst Reg, m Mem) {
	if op >= vecOpCount {
		a.failf("VM", "bad VecOp %d", op)
		return
	}
	if a.vexMove(op, dst, NoReg, &m) {
		return
	}
	e := vecEncs[op]
	a.sseRM(e.name, e.pfx, e.op, 0, dst, m, true, 0)
}

// MovdquMR stores 16 unaligned bytes: movdqu [m], src.
func (a *Assembler) MovdquMR(m Mem, src Reg) {
	if !a.vexStore(vexPPF3, 0x7F, m, src) {
		a.sseRM("MovdquMR", 0xF3, 0x0F7F, 0, src, m, true, 0)
	}
}

// VShift is a packed shift by an immediate count.
type VShift uint8

// Immediate shifts: opcode 71 (words), 72 (dwords), 73 (qwords) with the
// operation in ModRM.reg (/2 srl, /4 sra, /6 sll); 73 /3 and /7 shift the
// whole register right or left by bytes.
const (
	PsllwI VShift = iota
	PslldI
	PsllqI
	PsrlwI
	PsrldI
	PsrlqI
	PsrawI
	PsradI
	PsrldqI
	PslldqI
	vshiftCount
)

var vshiftEncs = [vshiftCount]struct {
	name  string
	op    uint32
	digit byte
}{
	PsllwI: {"psllw", 0x0F71, 6}, PslldI: {"pslld", 0x0F72, 6}, PsllqI: {"psllq", 0x0F73, 6},
	PsrlwI: {"psrlw", 0x0F71, 2}, PsrldI: {"psrld", 0x0F72, 2}, PsrlqI: {"psrlq", 0x0F73, 2},
	PsrawI: {"psraw", 0x0F71, 4}, PsradI: {"psrad", 0x0F72, 4},
	PsrldqI: {"psrldq", 0x0F73, 3}, PslldqI: {"pslldq", 0x0F73, 7},
}

// VShiftI emits op dst, n.
func (a *Assembler) VShiftI(op VShift, dst Reg, n uint8) {
	if op >= vshiftCount || !a.xmm("VShiftI", dst) {
		return
	}
	e := vshiftEncs[op]
	a.encRR(0x66, e.op, 0, e.digit, byte(dst)&15)
	a.byte1(n)
}

// Pinsr inserts the low size bits (8, 16, 32, 64) of GPR src into lane
// of dst: pinsrb/pinsrw/pinsrd/pinsrq.
func (a *Assembler) Pinsr(size int, dst, src Reg, lane uint8) {
	var ok bool
	switch size {
	case 8:
		ok = a.sseRR("Pinsrb", 0x66, 0x0F3A20, 0, dst, src, true, false)
	case 16:
		ok = a.sseRR("Pinsrw", 0x66, 0x0FC4, 0, dst, src, true, false)
	case 32:
		ok = a.sseRR("Pinsrd", 0x66, 0x0F3A22, 0, dst, src, true, false)
	case 64:
		ok = a.sseRR("Pinsrq", 0x66, 0x0F3A22, fW, dst, src, true, false)
	default:
		a.failf("Pinsr", "bad size %d", size)
	}
	if ok {
		a.byte1(lane)
	}
}

// PinsrM inserts size bits (8, 16, 32, 64) read from m into lane of dst:
// pinsrb/pinsrw/pinsrd/pinsrq with a memory operand, which reads only
// those bits and needs no alignment.
func (a *Assembler) PinsrM(size int, dst Reg, m Mem, lane uint8) {
	_, op, flags, ok := pinsrForm(size)
	if !ok {
		a.failf("PinsrM", "bad size %d", size)
		return
	}
	if a.sseRM("PinsrM", 0x66, op, flags, dst, m, true, 1) {
		a.byte1(lane)
	}
}

// pinsrForm is pinsr's VEX opcode map, legacy opcode and REX.W flag for
// a lane of size bits.
func pinsrForm(size int) (mmmmm byte, op uint32, flags int, ok bool) {
	switch size {
	case 8:
		return vexMap0F3A, 0x0F3A20, 0, true
	case 16:
		return vexMap0F, 0x0FC4, 0, true
	case 32:
		return vexMap0F3A, 0x0F3A22, 0, true
	case 64:
		return vexMap0F3A, 0x0F3A22, fW, true
	}
	return 0, 0, 0, false
}

// Pextr extracts lane of src, zero-extended, into GPR dst:
// pextrb/pextrw/pextrd/pextrq.
func (a *Assembler) Pextr(size int, dst, src Reg, lane uint8) {
	var ok bool
	switch size {
	case 8:
		ok = a.sseRR("Pextrb", 0x66, 0x0F3A14, 0, src, dst, true, false)
	case 16:
		ok = a.sseRR("Pextrw", 0x66, 0x0FC5, 0, dst, src, false, true)
	case 32:
		ok = a.sseRR("Pextrd", 0x66, 0x0F3A16, 0, src, dst, true, false)
	case 64:
		ok = a.sseRR("Pextrq", 0x66, 0x0F3A16, fW, src, dst, true, false)
	default:
		a.failf("Pextr", "bad size %d", size)
	}
	if ok {
		a.byte1(lane)
	}
}

// Pmovmskb gathers the top bit of each byte of src into GPR dst.
func (a *Assembler) Pmovmskb(dst, src Reg) {
	a.sseRR("Pmovmskb", 0x66, 0x0FD7, 0, dst, src, false, true)
}

// Movmskps gathers the sign bits of the four floats of src into dst.
func (a *Assembler) Movmskps(dst, src Reg) { a.sseRR("Movmskps", 0, 0x0F50, 0, dst, src, false, true) }

// Movmskpd gathers the sign bits of the two doubles of src into dst.
func (a *Assembler) Movmskpd(dst, src Reg) {
	a.sseRR("Movmskpd", 0x66, 0x0F50, 0, dst, src, false, true)
}

// Add returns m displaced by d bytes (not for RIP-relative operands).
func (m Mem) Add(d int32) Mem {
	m.Disp += d
	return m
}
