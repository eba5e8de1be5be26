package asm

import (
	"fmt"
	"math"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// The tests encode with the Assembler and decode with x86asm, the oracle,
// then compare the decoded instruction structurally with what was asked.

var (
	allGPRs  = []Reg{RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}
	allXMMs  = []Reg{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15}
	allSizes = []int{8, 16, 32, 64}
	sz1664   = []int{16, 32, 64}
	sz3264   = []int{32, 64}
	sz64     = []int{64}
	testDisp = []int32{0, 8, -8, 127, -128, 128, -129, 0x12345678, math.MinInt32, math.MaxInt32}
	scales   = []uint8{1, 2, 4, 8}
)

// testMems covers every base with every displacement class, every
// base/index pair with rotating scales and displacements, and absolute
// (base-less) addressing.
var testMems = func() []Mem {
	var ms []Mem
	for _, b := range allGPRs {
		for _, d := range testDisp {
			ms = append(ms, M(b, d))
		}
	}
	i := 0
	for _, b := range allGPRs {
		for _, x := range allGPRs {
			if x == RSP {
				continue
			}
			ms = append(ms, MI(b, x, scales[i%4], testDisp[i%len(testDisp)]))
			i++
		}
	}
	ms = append(ms,
		Mem{Base: NoReg, Index: NoReg, Scale: 1, Disp: 0x1000},
		Mem{Base: NoReg, Index: NoReg, Scale: 1, Disp: -4},
		Mem{Base: NoReg, Index: R9, Scale: 8, Disp: -16},
		Mem{Base: NoReg, Index: RBP, Scale: 2, Disp: 0},
		Mem{Base: NoReg, Index: R13, Scale: 4, Disp: 0x7fff0000},
	)
	return ms
}()

// xreg converts a GPR at a given width to the oracle's register name.
// Byte registers 4-7 are SPL..DIL because the assembler always emits a REX
// for them (it never produces AH..BH).
func xreg(r Reg, size int) x86asm.Reg {
	n := x86asm.Reg(r)
	switch size {
	case 8:
		if r >= 4 && r < 8 {
			return x86asm.SPB + n - 4
		}
		if r >= 8 {
			return x86asm.R8B + n - 8
		}
		return x86asm.AL + n
	case 16:
		return x86asm.AX + n
	case 32:
		return x86asm.EAX + n
	}
	return x86asm.RAX + n
}

func xxmm(r Reg) x86asm.Reg { return x86asm.X0 + x86asm.Reg(r-X0) }

func xmem(m Mem) x86asm.Mem {
	var xm x86asm.Mem
	if m.Base != NoReg {
		xm.Base = xreg(m.Base, 64)
	}
	if m.Index != NoReg {
		xm.Index = xreg(m.Index, 64)
		xm.Scale = m.Scale
	}
	xm.Disp = int64(m.Disp)
	return xm
}

// normArg drops the scale of index-less memory operands: the decoder
// reports the SIB scale bits even when there is no index.
func normArg(a x86asm.Arg) x86asm.Arg {
	if m, ok := a.(x86asm.Mem); ok && m.Index == 0 {
		m.Scale = 0
		return m
	}
	return a
}

type oracle struct {
	t     *testing.T
	a     *Assembler
	n     int
	fails int
}

func newOracle(t *testing.T) *oracle { return &oracle{t: t, a: New()} }

// check encodes one instruction with emit and verifies that it decodes to
// exactly one instruction op with arguments want. memBytes, if non-zero, is
// the expected width of the memory access. desc is only formatted on
// failure.
func (o *oracle) check(emit func(a *Assembler), op x86asm.Op, memBytes int, want []x86asm.Arg, desc string, descArgs ...any) {
	o.t.Helper()
	o.n++
	a := o.a
	a.Reset()
	emit(a)
	b := a.Bytes()
	if err := a.Err(); err != nil {
		o.failf(b, desc, descArgs, "encoding error: %v", err)
		return
	}
	inst, err := x86asm.Decode(b, 64)
	if err != nil {
		o.failf(b, desc, descArgs, "decode error: %v", err)
		return
	}
	if inst.Len != len(b) {
		o.failf(b, desc, descArgs, "decoded %d of %d bytes: %v", inst.Len, len(b), inst)
		return
	}
	if inst.Op != op {
		o.failf(b, desc, descArgs, "op %v, want %v (%v)", inst.Op, op, inst)
		return
	}
	for i, w := range want {
		if normArg(inst.Args[i]) != normArg(w) {
			o.failf(b, desc, descArgs, "arg %d = %#v, want %#v (%v)", i, inst.Args[i], w, inst)
			return
		}
	}
	if len(want) < len(inst.Args) && inst.Args[len(want)] != nil {
		o.failf(b, desc, descArgs, "extra arg %v (%v)", inst.Args[len(want)], inst)
		return
	}
	if memBytes != 0 && inst.MemBytes != memBytes {
		o.failf(b, desc, descArgs, "memory width %d, want %d (%v)", inst.MemBytes, memBytes, inst)
		return
	}
	// A prefix the decoder had to ignore means we emitted a redundant or
	// misplaced byte (e.g. REX before a legacy prefix).
	rexW := false
	for _, p := range inst.Prefix {
		if p.IsREX() && p&x86asm.PrefixREXW != 0 {
			rexW = true
		}
		// A REX with no bits set is only needed to select SPL..DIL.
		if p&0xFF == x86asm.PrefixREX && !hasNewByteReg(inst) {
			o.failf(b, desc, descArgs, "redundant REX (%v)", inst)
			return
		}
	}
	for _, p := range inst.Prefix {
		if p == 0 {
			break
		}
		// With REX.W the decoder reports 66 as ignored for operand size,
		// but for SSE ops like movq xmm, r64 it is the mandatory prefix
		// that selects the XMM form (checked via the operands).
		if p&0xFF == x86asm.PrefixDataSize && rexW {
			continue
		}
		if p&(x86asm.PrefixIgnored|x86asm.PrefixInvalid) != 0 {
			o.failf(b, desc, descArgs, "ignored/invalid prefix %v (%v)", p, inst)
			return
		}
	}
}

func hasNewByteReg(inst x86asm.Inst) bool {
	for _, a := range inst.Args {
		if r, ok := a.(x86asm.Reg); ok && r >= x86asm.SPB && r <= x86asm.DIB {
			return true
		}
	}
	return false
}

func (o *oracle) failf(b []byte, desc string, descArgs []any, format string, args ...any) {
	o.t.Helper()
	o.fails++
	if o.fails > 20 {
		if o.fails == 21 {
			o.t.Errorf("too many failures, suppressing the rest")
		}
		return
	}
	o.t.Errorf("%s [% x]: %s", fmt.Sprintf(desc, descArgs...), b, fmt.Sprintf(format, args...))
}

func args(a ...x86asm.Arg) []x86asm.Arg { return a }

var condOps = [16]struct{ j, set, cmov x86asm.Op }{
	{x86asm.JO, x86asm.SETO, x86asm.CMOVO},
	{x86asm.JNO, x86asm.SETNO, x86asm.CMOVNO},
	{x86asm.JB, x86asm.SETB, x86asm.CMOVB},
	{x86asm.JAE, x86asm.SETAE, x86asm.CMOVAE},
	{x86asm.JE, x86asm.SETE, x86asm.CMOVE},
	{x86asm.JNE, x86asm.SETNE, x86asm.CMOVNE},
	{x86asm.JBE, x86asm.SETBE, x86asm.CMOVBE},
	{x86asm.JA, x86asm.SETA, x86asm.CMOVA},
	{x86asm.JS, x86asm.SETS, x86asm.CMOVS},
	{x86asm.JNS, x86asm.SETNS, x86asm.CMOVNS},
	{x86asm.JP, x86asm.SETP, x86asm.CMOVP},
	{x86asm.JNP, x86asm.SETNP, x86asm.CMOVNP},
	{x86asm.JL, x86asm.SETL, x86asm.CMOVL},
	{x86asm.JGE, x86asm.SETGE, x86asm.CMOVGE},
	{x86asm.JLE, x86asm.SETLE, x86asm.CMOVLE},
	{x86asm.JG, x86asm.SETG, x86asm.CMOVG},
}

var aluOps = [8]x86asm.Op{x86asm.ADD, x86asm.OR, x86asm.ADC, x86asm.SBB, x86asm.AND, x86asm.SUB, x86asm.XOR, x86asm.CMP}

// ---- integer forms ----

type intRR struct {
	name  string
	sizes []int
	op    x86asm.Op
	emit  func(a *Assembler, size int, d, s Reg)
}

func intRRForms() []intRR {
	fs := []intRR{
		{"MovRR", allSizes, x86asm.MOV, (*Assembler).MovRR},
		{"TestRR", allSizes, x86asm.TEST, (*Assembler).TestRR},
		{"XchgRR", allSizes, x86asm.XCHG, (*Assembler).XchgRR},
		{"ImulRR", sz1664, x86asm.IMUL, (*Assembler).ImulRR},
		{"BsrRR", sz3264, x86asm.BSR, (*Assembler).BsrRR},
		{"BsfRR", sz3264, x86asm.BSF, (*Assembler).BsfRR},
		{"LzcntRR", sz3264, x86asm.LZCNT, (*Assembler).LzcntRR},
		{"TzcntRR", sz3264, x86asm.TZCNT, (*Assembler).TzcntRR},
		{"PopcntRR", sz3264, x86asm.POPCNT, (*Assembler).PopcntRR},
	}
	for op := ALUOp(0); op < 8; op++ {
		fs = append(fs, intRR{aluNames[op].rr, allSizes, aluOps[op], func(a *Assembler, size int, d, s Reg) { a.AluRR(op, size, d, s) }})
	}
	named := []func(a *Assembler, size int, d, s Reg){
		(*Assembler).AddRR, (*Assembler).OrRR, (*Assembler).AdcRR, (*Assembler).SbbRR,
		(*Assembler).AndRR, (*Assembler).SubRR, (*Assembler).XorRR, (*Assembler).CmpRR,
	}
	for i, f := range named {
		fs = append(fs, intRR{"named " + aluNames[i].rr, allSizes, aluOps[i], f})
	}
	for c := Cond(0); c < 16; c++ {
		fs = append(fs, intRR{"Cmov" + c.String(), sz1664, condOps[c].cmov, func(a *Assembler, size int, d, s Reg) { a.CmovccRR(c, size, d, s) }})
	}
	return fs
}

func TestIntRR(t *testing.T) {
	o := newOracle(t)
	for _, f := range intRRForms() {
		for _, size := range f.sizes {
			for _, d := range allGPRs {
				for _, s := range allGPRs {
					o.check(func(a *Assembler) { f.emit(a, size, d, s) }, f.op, 0,
						args(xreg(d, size), xreg(s, size)), "%s(%d, %v, %v)", f.name, size, d, s)
				}
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

type intRM struct {
	name     string
	sizes    []int
	op       x86asm.Op
	emit     func(a *Assembler, size int, r Reg, m Mem)
	memFirst bool // decoded operand order is (mem, reg)
	noWidth  bool // lea: no memory access
}

func intRMForms() []intRM {
	fs := []intRM{
		{name: "MovRM", sizes: allSizes, op: x86asm.MOV, emit: (*Assembler).MovRM},
		{name: "Lea", sizes: sz3264, op: x86asm.LEA, emit: (*Assembler).Lea, noWidth: true},
		{name: "ImulRM", sizes: sz1664, op: x86asm.IMUL, emit: (*Assembler).ImulRM},
		{name: "BsrRM", sizes: sz3264, op: x86asm.BSR, emit: (*Assembler).BsrRM},
		{name: "BsfRM", sizes: sz3264, op: x86asm.BSF, emit: (*Assembler).BsfRM},
		{name: "LzcntRM", sizes: sz3264, op: x86asm.LZCNT, emit: (*Assembler).LzcntRM},
		{name: "TzcntRM", sizes: sz3264, op: x86asm.TZCNT, emit: (*Assembler).TzcntRM},
		{name: "PopcntRM", sizes: sz3264, op: x86asm.POPCNT, emit: (*Assembler).PopcntRM},
		{name: "MovMR", sizes: allSizes, op: x86asm.MOV, memFirst: true,
			emit: func(a *Assembler, size int, r Reg, m Mem) { a.MovMR(size, m, r) }},
		{name: "TestMR", sizes: allSizes, op: x86asm.TEST, memFirst: true,
			emit: func(a *Assembler, size int, r Reg, m Mem) { a.TestMR(size, m, r) }},
	}
	for op := ALUOp(0); op < 8; op++ {
		fs = append(fs,
			intRM{name: aluNames[op].rm, sizes: allSizes, op: aluOps[op],
				emit: func(a *Assembler, size int, r Reg, m Mem) { a.AluRM(op, size, r, m) }},
			intRM{name: aluNames[op].mr, sizes: allSizes, op: aluOps[op], memFirst: true,
				emit: func(a *Assembler, size int, r Reg, m Mem) { a.AluMR(op, size, m, r) }})
	}
	// The named wrappers, spot-checked through the same sweep.
	fs = append(fs,
		intRM{name: "SubRM", sizes: sz3264, op: x86asm.SUB, emit: (*Assembler).SubRM},
		intRM{name: "CmpMR", sizes: sz3264, op: x86asm.CMP, memFirst: true,
			emit: func(a *Assembler, size int, r Reg, m Mem) { a.CmpMR(size, m, r) }})
	for c := Cond(0); c < 16; c++ {
		fs = append(fs, intRM{name: "CmovRM" + c.String(), sizes: sz1664, op: condOps[c].cmov,
			emit: func(a *Assembler, size int, r Reg, m Mem) { a.CmovccRM(c, size, r, m) }})
	}
	return fs
}

func TestIntRM(t *testing.T) {
	o := newOracle(t)
	for _, f := range intRMForms() {
		for _, size := range f.sizes {
			for i, m := range testMems {
				// Every register against every memory operand for the
				// common widths; a rotating register otherwise keeps the
				// test fast.
				regs := allGPRs
				if size < 32 || len(f.name) > 4 && f.name[:4] == "Cmov" {
					regs = []Reg{allGPRs[i%16], allGPRs[(i+5)%16]}
				}
				for _, r := range regs {
					want := args(xreg(r, size), xmem(m))
					if f.memFirst {
						want = args(xmem(m), xreg(r, size))
					}
					mb := size / 8
					if f.noWidth {
						mb = 0
					}
					o.check(func(a *Assembler) { f.emit(a, size, r, m) }, f.op, mb, want,
						"%s(%d, %v, %v)", f.name, size, r, m)
				}
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

var testImms = []int32{0, 1, -1, 127, 128, -128, -129, 255, 256, 0x7fff, -0x8000, 0x12345678, math.MaxInt32, math.MinInt32}

// immAs is how the decoder reports an immediate for an operation of the
// given width: sign-extended from the width (64-bit ops take a
// sign-extended imm32).
func immAs(size int, v int32) x86asm.Imm {
	switch size {
	case 8:
		return x86asm.Imm(uint8(v)) // the decoder reports imm8 of byte ops unsigned
	case 16:
		return x86asm.Imm(int16(v))
	}
	return x86asm.Imm(v)
}

// immLen is the immediate length the assembler should choose.
func aluImmLen(size int, v int32) int {
	switch {
	case size == 8 || v >= -128 && v <= 127:
		return 1
	case size == 16:
		return 2
	}
	return 4
}

func TestIntRI(t *testing.T) {
	o := newOracle(t)
	type form struct {
		name string
		op   x86asm.Op
		emit func(a *Assembler, size int, r Reg, imm int32)
		alu  bool
	}
	var fs []form
	for op := ALUOp(0); op < 8; op++ {
		fs = append(fs, form{aluNames[op].ri, aluOps[op], func(a *Assembler, size int, r Reg, imm int32) { a.AluRI(op, size, r, imm) }, true})
	}
	fs = append(fs, form{"AndRI", x86asm.AND, (*Assembler).AndRI, true}, form{"CmpRI", x86asm.CMP, (*Assembler).CmpRI, true})
	fs = append(fs, form{"TestRI", x86asm.TEST, (*Assembler).TestRI, false})
	for _, f := range fs {
		for _, size := range allSizes {
			for _, r := range allGPRs {
				for _, imm := range testImms {
					o.check(func(a *Assembler) { f.emit(a, size, r, imm) }, f.op, 0,
						args(xreg(r, size), immAs(size, imm)), "%s(%d, %v, %d)", f.name, size, r, imm)
					// Shortest form: opcode + modrm + imm (+REX/66), or
					// the accumulator form without modrm.
					if f.alu {
						o.a.Reset()
						f.emit(o.a, size, r, imm)
						want := 2 + aluImmLen(size, imm)
						if r == RAX && aluImmLen(size, imm) != 1 || r == RAX && size == 8 {
							want-- // accumulator form has no ModRM
						}
						if size == 16 {
							want++ // 66
						}
						if size == 64 || r >= 8 || size == 8 && r >= 4 {
							want++ // REX
						}
						if got := o.a.Len(); got != want {
							t.Errorf("%s(%d, %v, %d): %d bytes, want %d", f.name, size, r, imm, got, want)
						}
					}
				}
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

func TestIntMI(t *testing.T) {
	o := newOracle(t)
	type form struct {
		name string
		op   x86asm.Op
		emit func(a *Assembler, size int, m Mem, imm int32)
	}
	fs := []form{
		{"MovMI", x86asm.MOV, (*Assembler).MovMI},
		{"TestMI", x86asm.TEST, (*Assembler).TestMI},
		{"AddMI", x86asm.ADD, (*Assembler).AddMI},
		{"CmpMI", x86asm.CMP, (*Assembler).CmpMI},
	}
	for op := ALUOp(0); op < 8; op++ {
		fs = append(fs, form{aluNames[op].mi, aluOps[op], func(a *Assembler, size int, m Mem, imm int32) { a.AluMI(op, size, m, imm) }})
	}
	for _, f := range fs {
		for _, size := range allSizes {
			for i, m := range testMems {
				// Sweep the immediates on a rotating subset of the
				// memory operands to bound the run time.
				imms := testImms
				if i%7 != 0 {
					imms = []int32{testImms[i%len(testImms)]}
				}
				for _, imm := range imms {
					o.check(func(a *Assembler) { f.emit(a, size, m, imm) }, f.op, size/8,
						args(xmem(m), immAs(size, imm)), "%s(%d, %v, %d)", f.name, size, m, imm)
				}
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

func TestMovRI(t *testing.T) {
	o := newOracle(t)
	vals := []int64{0, 1, -1, 127, 128, -128, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
		-0x80000000, -0x80000001, math.MaxInt64, math.MinInt64, 0x123456789abcdef0}
	for _, size := range allSizes {
		for _, r := range allGPRs {
			for _, v := range vals {
				o.a.Reset()
				o.a.MovRI(size, r, v)
				b := o.a.Bytes()
				inst, err := x86asm.Decode(b, 64)
				if err != nil || inst.Len != len(b) || inst.Op != x86asm.MOV {
					t.Errorf("MovRI(%d, %v, %#x) [% x]: %v %v", size, r, v, b, inst, err)
					continue
				}
				// Evaluate the decoded instruction: the destination
				// register must end up holding v truncated to size, and
				// the upper bits must be zeroed for 32-bit writes.
				dst, _ := inst.Args[0].(x86asm.Reg)
				imm, _ := inst.Args[1].(x86asm.Imm)
				var got uint64
				var width int
				switch {
				case dst >= x86asm.RAX && dst <= x86asm.R15:
					got, width = uint64(imm), 64
				case dst >= x86asm.EAX && dst <= x86asm.R15L:
					got, width = uint64(uint32(imm)), 32
				case dst >= x86asm.AX && dst <= x86asm.R15W:
					got, width = uint64(uint16(imm)), 16
				default:
					got, width = uint64(uint8(imm)), 8
				}
				want := uint64(v)
				if size < 64 {
					want &= 1<<size - 1
				}
				wantReg := xreg(r, size)
				if size == 64 && width == 32 {
					wantReg = xreg(r, 32) // zero-extending short form
				}
				if got != want || dst != wantReg {
					t.Errorf("MovRI(%d, %v, %#x) [% x] = %v: value %#x in %v, want %#x in %v", size, r, v, b, inst, got, dst, want, wantReg)
				}
				// Shortest encoding for 64-bit values.
				if size == 64 {
					rex := 0
					if r >= 8 {
						rex = 1
					}
					n := 10
					switch {
					case uint64(v) <= math.MaxUint32:
						n = 5 + rex
					case v >= math.MinInt32 && v <= math.MaxInt32:
						n = 7
					}
					if len(b) != n {
						t.Errorf("MovRI(64, %v, %#x): %d bytes, want %d", r, v, len(b), n)
					}
				}
				o.n++
			}
		}
	}
}

func TestUnary(t *testing.T) {
	o := newOracle(t)
	type form struct {
		name  string
		op    x86asm.Op
		sizes []int
		emit  func(a *Assembler, size int, r Reg)
		cl    bool
	}
	fs := []form{
		{"MulR", x86asm.MUL, allSizes, (*Assembler).MulR, false},
		{"ImulR", x86asm.IMUL, allSizes, (*Assembler).ImulR, false},
		{"DivR", x86asm.DIV, allSizes, (*Assembler).DivR, false},
		{"IdivR", x86asm.IDIV, allSizes, (*Assembler).IdivR, false},
		{"NegR", x86asm.NEG, allSizes, (*Assembler).NegR, false},
		{"NotR", x86asm.NOT, allSizes, (*Assembler).NotR, false},
		{"IncR", x86asm.INC, allSizes, (*Assembler).IncR, false},
		{"DecR", x86asm.DEC, allSizes, (*Assembler).DecR, false},
		{"Bswap", x86asm.BSWAP, sz3264, (*Assembler).Bswap, false},
		{"ShlCL", x86asm.SHL, allSizes, (*Assembler).ShlCL, true},
		{"ShrCL", x86asm.SHR, allSizes, (*Assembler).ShrCL, true},
		{"SarCL", x86asm.SAR, allSizes, (*Assembler).SarCL, true},
		{"RolCL", x86asm.ROL, allSizes, (*Assembler).RolCL, true},
		{"RorCL", x86asm.ROR, allSizes, (*Assembler).RorCL, true},
		{"Push", x86asm.PUSH, sz64, func(a *Assembler, _ int, r Reg) { a.Push(r) }, false},
		{"Pop", x86asm.POP, sz64, func(a *Assembler, _ int, r Reg) { a.Pop(r) }, false},
		{"JmpR", x86asm.JMP, sz64, func(a *Assembler, _ int, r Reg) { a.JmpR(r) }, false},
		{"CallR", x86asm.CALL, sz64, func(a *Assembler, _ int, r Reg) { a.CallR(r) }, false},
	}
	for _, f := range fs {
		for _, size := range f.sizes {
			for _, r := range allGPRs {
				want := args(xreg(r, size))
				if f.cl {
					want = args(xreg(r, size), x86asm.CL)
				}
				o.check(func(a *Assembler) { f.emit(a, size, r) }, f.op, 0, want, "%s(%d, %v)", f.name, size, r)
			}
		}
	}
	shifts := []struct {
		name string
		op   x86asm.Op
		emit func(a *Assembler, size int, r Reg, n uint8)
	}{
		{"ShlRI", x86asm.SHL, (*Assembler).ShlRI},
		{"ShrRI", x86asm.SHR, (*Assembler).ShrRI},
		{"SarRI", x86asm.SAR, (*Assembler).SarRI},
		{"RolRI", x86asm.ROL, (*Assembler).RolRI},
		{"RorRI", x86asm.ROR, (*Assembler).RorRI},
	}
	for _, f := range shifts {
		for _, size := range allSizes {
			for _, r := range allGPRs {
				for _, n := range []uint8{0, 1, 2, 7, 8, 15, 31, 32, 63} {
					o.check(func(a *Assembler) { f.emit(a, size, r, n) }, f.op, 0,
						args(xreg(r, size), x86asm.Imm(n)), "%s(%d, %v, %d)", f.name, size, r, n)
				}
			}
		}
	}
	for c := Cond(0); c < 16; c++ {
		for _, r := range allGPRs {
			o.check(func(a *Assembler) { a.Setcc(c, r) }, condOps[c].set, 0, args(xreg(r, 8)), "Setcc(%v, %v)", c, r)
		}
	}
	for _, m := range testMems {
		o.check(func(a *Assembler) { a.JmpM(m) }, x86asm.JMP, 8, args(xmem(m)), "JmpM(%v)", m)
		o.check(func(a *Assembler) { a.CallM(m) }, x86asm.CALL, 8, args(xmem(m)), "CallM(%v)", m)
	}
	for _, size := range sz1664 {
		for _, d := range allGPRs {
			for _, s := range allGPRs {
				for _, imm := range testImms {
					o.check(func(a *Assembler) { a.ImulRRI(size, d, s, imm) }, x86asm.IMUL, 0,
						args(xreg(d, size), xreg(s, size), immAs(size, imm)), "ImulRRI(%d, %v, %v, %d)", size, d, s, imm)
				}
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

func TestNullary(t *testing.T) {
	o := newOracle(t)
	cases := []struct {
		name string
		emit func(a *Assembler)
		op   x86asm.Op
		pfx  x86asm.Prefix
	}{
		{"Ret", (*Assembler).Ret, x86asm.RET, 0},
		{"Cdq", (*Assembler).Cdq, x86asm.CDQ, 0},
		{"Cqo", (*Assembler).Cqo, x86asm.CQO, 0},
		{"Ud2", (*Assembler).Ud2, x86asm.UD2, 0},
		{"Int3", (*Assembler).Int3, x86asm.INT, 0},
		{"Mfence", (*Assembler).Mfence, x86asm.MFENCE, 0},
		{"RepMovsb", (*Assembler).RepMovsb, x86asm.MOVSB, x86asm.PrefixREP},
		{"RepStosb", (*Assembler).RepStosb, x86asm.STOSB, x86asm.PrefixREP},
	}
	for _, c := range cases {
		o.a.Reset()
		c.emit(o.a)
		b := o.a.Bytes()
		inst, err := x86asm.Decode(b, 64)
		if err != nil || inst.Len != len(b) || inst.Op != c.op {
			t.Errorf("%s [% x]: %v %v, want %v", c.name, b, inst, err, c.op)
			continue
		}
		if c.pfx != 0 && inst.Prefix[0]&0xFF != c.pfx {
			t.Errorf("%s: prefix %v, want %v", c.name, inst.Prefix[0], c.pfx)
		}
	}
}

type movxCase struct {
	signed           bool
	dstSize, srcSize int
}

func TestMovx(t *testing.T) {
	o := newOracle(t)
	var cases []movxCase
	for _, signed := range []bool{false, true} {
		for _, ds := range sz3264 {
			for _, ss := range []int{8, 16, 32} {
				if ss < ds {
					cases = append(cases, movxCase{signed, ds, ss})
				}
			}
		}
	}
	for _, c := range cases {
		// Expected decode: zero extension always uses the 32-bit form;
		// 32-bit zero extension is a plain mov.
		op := x86asm.MOVZX
		dsz := 32
		if c.signed {
			op, dsz = x86asm.MOVSX, c.dstSize
			if c.srcSize == 32 {
				op = x86asm.MOVSXD
			}
		} else if c.srcSize == 32 {
			op = x86asm.MOV
		}
		for _, d := range allGPRs {
			for _, s := range allGPRs {
				o.check(func(a *Assembler) {
					if c.signed {
						a.Movsx(c.dstSize, c.srcSize, d, s)
					} else {
						a.Movzx(c.dstSize, c.srcSize, d, s)
					}
				}, op, 0, args(xreg(d, dsz), xreg(s, c.srcSize)), "Movx %+v(%v, %v)", c, d, s)
			}
			for _, m := range testMems {
				o.check(func(a *Assembler) {
					if c.signed {
						a.MovsxRM(c.dstSize, c.srcSize, d, m)
					} else {
						a.MovzxRM(c.dstSize, c.srcSize, d, m)
					}
				}, op, c.srcSize/8, args(xreg(d, dsz), xmem(m)), "MovxRM %+v(%v, %v)", c, d, m)
			}
		}
	}
	t.Logf("%d instructions checked", o.n)
}

// ---- SSE ----

func TestSSE(t *testing.T) {
	o := newOracle(t)
	type form struct {
		name string
		op   x86asm.Op
		rr   func(a *Assembler, d, s Reg)
		rm   func(a *Assembler, d Reg, m Mem)
		mb   int // memory width of the RM form
	}
	fs := []form{
		{"Movss", x86asm.MOVSS, (*Assembler).MovssRR, (*Assembler).MovssRM, 4},
		{"Movsd", x86asm.MOVSD_XMM, (*Assembler).MovsdRR, (*Assembler).MovsdRM, 8},
		{"Movaps", x86asm.MOVAPS, (*Assembler).MovapsRR, nil, 0},
		{"Movapd", x86asm.MOVAPD, (*Assembler).MovapdRR, nil, 0},
		{"Addss", x86asm.ADDSS, (*Assembler).AddssRR, (*Assembler).AddssRM, 4},
		{"Addsd", x86asm.ADDSD, (*Assembler).AddsdRR, (*Assembler).AddsdRM, 8},
		{"Subss", x86asm.SUBSS, (*Assembler).SubssRR, (*Assembler).SubssRM, 4},
		{"Subsd", x86asm.SUBSD, (*Assembler).SubsdRR, (*Assembler).SubsdRM, 8},
		{"Mulss", x86asm.MULSS, (*Assembler).MulssRR, (*Assembler).MulssRM, 4},
		{"Mulsd", x86asm.MULSD, (*Assembler).MulsdRR, (*Assembler).MulsdRM, 8},
		{"Divss", x86asm.DIVSS, (*Assembler).DivssRR, (*Assembler).DivssRM, 4},
		{"Divsd", x86asm.DIVSD, (*Assembler).DivsdRR, (*Assembler).DivsdRM, 8},
		{"Sqrtss", x86asm.SQRTSS, (*Assembler).SqrtssRR, (*Assembler).SqrtssRM, 4},
		{"Sqrtsd", x86asm.SQRTSD, (*Assembler).SqrtsdRR, (*Assembler).SqrtsdRM, 8},
		{"Minss", x86asm.MINSS, (*Assembler).MinssRR, (*Assembler).MinssRM, 4},
		{"Minsd", x86asm.MINSD, (*Assembler).MinsdRR, (*Assembler).MinsdRM, 8},
		{"Maxss", x86asm.MAXSS, (*Assembler).MaxssRR, (*Assembler).MaxssRM, 4},
		{"Maxsd", x86asm.MAXSD, (*Assembler).MaxsdRR, (*Assembler).MaxsdRM, 8},
		{"Ucomiss", x86asm.UCOMISS, (*Assembler).UcomissRR, (*Assembler).UcomissRM, 4},
		{"Ucomisd", x86asm.UCOMISD, (*Assembler).UcomisdRR, (*Assembler).UcomisdRM, 8},
		{"Comiss", x86asm.COMISS, (*Assembler).ComissRR, (*Assembler).ComissRM, 4},
		{"Comisd", x86asm.COMISD, (*Assembler).ComisdRR, (*Assembler).ComisdRM, 8},
		{"Cvtss2sd", x86asm.CVTSS2SD, (*Assembler).Cvtss2sdRR, (*Assembler).Cvtss2sdRM, 4},
		{"Cvtsd2ss", x86asm.CVTSD2SS, (*Assembler).Cvtsd2ssRR, (*Assembler).Cvtsd2ssRM, 8},
		{"Andps", x86asm.ANDPS, (*Assembler).AndpsRR, (*Assembler).AndpsRM, 16},
		{"Andpd", x86asm.ANDPD, (*Assembler).AndpdRR, (*Assembler).AndpdRM, 16},
		{"Andnps", x86asm.ANDNPS, (*Assembler).AndnpsRR, (*Assembler).AndnpsRM, 16},
		{"Andnpd", x86asm.ANDNPD, (*Assembler).AndnpdRR, (*Assembler).AndnpdRM, 16},
		{"Orps", x86asm.ORPS, (*Assembler).OrpsRR, (*Assembler).OrpsRM, 16},
		{"Orpd", x86asm.ORPD, (*Assembler).OrpdRR, (*Assembler).OrpdRM, 16},
		{"Xorps", x86asm.XORPS, (*Assembler).XorpsRR, (*Assembler).XorpsRM, 16},
		{"Xorpd", x86asm.XORPD, (*Assembler).XorpdRR, (*Assembler).XorpdRM, 16},
		{"Pxor", x86asm.PXOR, (*Assembler).PxorRR, (*Assembler).PxorRM, 16},
	}
	for _, f := range fs {
		for _, d := range allXMMs {
			for _, s := range allXMMs {
				o.check(func(a *Assembler) { f.rr(a, d, s) }, f.op, 0, args(xxmm(d), xxmm(s)), "%sRR(%v, %v)", f.name, d, s)
			}
			if f.rm == nil {
				continue
			}
			for _, m := range testMems {
				o.check(func(a *Assembler) { f.rm(a, d, m) }, f.op, f.mb, args(xxmm(d), xmem(m)), "%sRM(%v, %v)", f.name, d, m)
			}
		}
	}
	for _, s := range allXMMs {
		for _, m := range testMems {
			o.check(func(a *Assembler) { a.MovssMR(m, s) }, x86asm.MOVSS, 4, args(xmem(m), xxmm(s)), "MovssMR(%v, %v)", m, s)
			o.check(func(a *Assembler) { a.MovsdMR(m, s) }, x86asm.MOVSD_XMM, 8, args(xmem(m), xxmm(s)), "MovsdMR(%v, %v)", m, s)
		}
	}
	for _, x := range allXMMs {
		for _, r := range allGPRs {
			o.check(func(a *Assembler) { a.MovdXR(x, r) }, x86asm.MOVD, 0, args(xxmm(x), xreg(r, 32)), "MovdXR(%v, %v)", x, r)
			o.check(func(a *Assembler) { a.MovdRX(r, x) }, x86asm.MOVD, 0, args(xreg(r, 32), xxmm(x)), "MovdRX(%v, %v)", r, x)
			o.check(func(a *Assembler) { a.MovqXR(x, r) }, x86asm.MOVQ, 0, args(xxmm(x), xreg(r, 64)), "MovqXR(%v, %v)", x, r)
			o.check(func(a *Assembler) { a.MovqRX(r, x) }, x86asm.MOVQ, 0, args(xreg(r, 64), xxmm(x)), "MovqRX(%v, %v)", r, x)
			for _, size := range sz3264 {
				o.check(func(a *Assembler) { a.Cvtsi2ssRR(size, x, r) }, x86asm.CVTSI2SS, 0, args(xxmm(x), xreg(r, size)), "Cvtsi2ssRR(%d, %v, %v)", size, x, r)
				o.check(func(a *Assembler) { a.Cvtsi2sdRR(size, x, r) }, x86asm.CVTSI2SD, 0, args(xxmm(x), xreg(r, size)), "Cvtsi2sdRR(%d, %v, %v)", size, x, r)
				o.check(func(a *Assembler) { a.Cvttss2siRR(size, r, x) }, x86asm.CVTTSS2SI, 0, args(xreg(r, size), xxmm(x)), "Cvttss2siRR(%d, %v, %v)", size, r, x)
				o.check(func(a *Assembler) { a.Cvttsd2siRR(size, r, x) }, x86asm.CVTTSD2SI, 0, args(xreg(r, size), xxmm(x)), "Cvttsd2siRR(%d, %v, %v)", size, r, x)
				o.check(func(a *Assembler) { a.Cvtss2siRR(size, r, x) }, x86asm.CVTSS2SI, 0, args(xreg(r, size), xxmm(x)), "Cvtss2siRR(%d, %v, %v)", size, r, x)
				o.check(func(a *Assembler) { a.Cvtsd2siRR(size, r, x) }, x86asm.CVTSD2SI, 0, args(xreg(r, size), xxmm(x)), "Cvtsd2siRR(%d, %v, %v)", size, r, x)
			}
		}
		for i, m := range testMems {
			size := sz3264[i%2]
			o.check(func(a *Assembler) { a.Cvtsi2ssRM(size, x, m) }, x86asm.CVTSI2SS, size/8, args(xxmm(x), xmem(m)), "Cvtsi2ssRM(%d, %v, %v)", size, x, m)
			o.check(func(a *Assembler) { a.Cvtsi2sdRM(size, x, m) }, x86asm.CVTSI2SD, size/8, args(xxmm(x), xmem(m)), "Cvtsi2sdRM(%d, %v, %v)", size, x, m)
		}
	}
	modes := []RoundMode{RoundNearest, RoundFloor, RoundCeil, RoundTrunc, RoundTrunc | RoundNoExc}
	for _, d := range allXMMs {
		for _, s := range allXMMs {
			for _, md := range modes {
				o.check(func(a *Assembler) { a.RoundssRR(d, s, md) }, x86asm.ROUNDSS, 0, args(xxmm(d), xxmm(s), x86asm.Imm(md)), "RoundssRR(%v, %v, %d)", d, s, md)
				o.check(func(a *Assembler) { a.RoundsdRR(d, s, md) }, x86asm.ROUNDSD, 0, args(xxmm(d), xxmm(s), x86asm.Imm(md)), "RoundsdRR(%v, %v, %d)", d, s, md)
			}
		}
		for i, m := range testMems {
			md := modes[i%len(modes)]
			o.check(func(a *Assembler) { a.RoundssRM(d, m, md) }, x86asm.ROUNDSS, 4, args(xxmm(d), xmem(m), x86asm.Imm(md)), "RoundssRM(%v, %v, %d)", d, m, md)
			o.check(func(a *Assembler) { a.RoundsdRM(d, m, md) }, x86asm.ROUNDSD, 8, args(xxmm(d), xmem(m), x86asm.Imm(md)), "RoundsdRM(%v, %v, %d)", d, m, md)
		}
	}
	t.Logf("%d instructions checked", o.n)
}
