// Package asm encodes x86-64 instructions. In: calls, one per instruction.
// Out: machine code bytes, label fixups resolved, and call fixups for the
// linker.
//
// Every instruction method appends its encoding to a single growing byte
// slice and never allocates on its own (apart from amortized growth of that
// slice and of the label/fixup tables), because the compiler emits millions
// of instructions.
//
// # Sizes
//
// Integer methods take an operand width size in bits: 8, 16, 32 or 64. Not
// every instruction accepts every width; the doc comment of each method says
// which ones it takes.
//
// # Errors
//
// Instruction methods do not return errors, which would make every call site
// in the code generator noisy. Instead an invalid request (an XMM register
// where a GPR is required, RSP as an index register, an unsupported size,
// ...) emits nothing and records a sticky error carrying the method name,
// the code offset and the offending operand. The first such error is
// reported by Err and by Finish; later instructions are still encoded so
// that offsets stay meaningful for debugging, but the output must be
// considered garbage once Err is non-nil.
package asm

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Reg is a general purpose or XMM register.
type Reg uint8

// General purpose registers. Their values are the hardware encodings.
const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

// XMM registers. They are numbered after the GPRs so one Reg type can name
// both; the hardware encoding is r-X0.
const (
	X0 Reg = 16 + iota
	X1
	X2
	X3
	X4
	X5
	X6
	X7
	X8
	X9
	X10
	X11
	X12
	X13
	X14
	X15
)

const (
	// NoReg marks an absent register, e.g. Mem.Index when there is no index
	// or Mem.Base for absolute [index*scale+disp32] addressing.
	NoReg Reg = 0xFF
	// RIP as Mem.Base makes the operand [rip+label]: Mem.Disp holds the
	// Label, not a displacement. Build such operands with LabelMem.
	RIP Reg = 0xFE
)

// IsGPR reports whether r is one of RAX..R15.
func (r Reg) IsGPR() bool { return r < 16 }

// IsXMM reports whether r is one of X0..X15.
func (r Reg) IsXMM() bool { return r >= X0 && r <= X15 }

// low3 and ext split the 4-bit hardware number into the ModRM/SIB field and
// the REX extension bit.
func (r Reg) low3() byte { return byte(r) & 7 }
func (r Reg) ext() byte  { return (byte(r) >> 3) & 1 }

var gprNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

var xmmNames = [16]string{"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"}

// String returns the 64-bit name of a GPR ("rax") or "xmmN".
func (r Reg) String() string {
	switch {
	case r.IsGPR():
		return gprNames[r]
	case r.IsXMM():
		return xmmNames[r-X0]
	case r == NoReg:
		return "noreg"
	case r == RIP:
		return "rip"
	}
	return fmt.Sprintf("Reg(%d)", uint8(r))
}

// Cond is an x86 condition code, the low nibble of the Jcc/SETcc/CMOVcc
// opcodes.
type Cond uint8

// Condition codes. B/AE/BE/A are the unsigned comparisons, L/GE/LE/G the
// signed ones.
const (
	CondO  Cond = iota // overflow
	CondNO             // no overflow
	CondB              // below (unsigned <), carry
	CondAE             // above or equal (unsigned >=), no carry
	CondE              // equal, zero
	CondNE             // not equal, not zero
	CondBE             // below or equal (unsigned <=)
	CondA              // above (unsigned >)
	CondS              // sign
	CondNS             // no sign
	CondP              // parity (unordered after ucomis*)
	CondNP             // no parity
	CondL              // less (signed <)
	CondGE             // greater or equal (signed >=)
	CondLE             // less or equal (signed <=)
	CondG              // greater (signed >)
)

// Aliases for the carry and zero flag views of the same codes.
const (
	CondC  = CondB
	CondNC = CondAE
	CondZ  = CondE
	CondNZ = CondNE
)

// Invert returns the condition that holds exactly when c does not; the
// encoding pairs them so flipping the low bit suffices.
func (c Cond) Invert() Cond { return c ^ 1 }

var condNames = [16]string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}

func (c Cond) String() string {
	if c < 16 {
		return condNames[c]
	}
	return fmt.Sprintf("Cond(%d)", uint8(c))
}

// Mem is a memory operand [Base + Index*Scale + Disp].
type Mem struct {
	Base  Reg   // GPR, NoReg for absolute [index*scale+disp32], or RIP (see LabelMem)
	Index Reg   // GPR other than RSP, or NoReg
	Scale uint8 // 1, 2, 4 or 8; ignored without an index
	Disp  int32
}

// M returns [base+disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Scale: 1, Disp: disp} }

// MI returns [base+index*scale+disp].
func MI(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// LabelMem returns [rip+l]: the address of label l, resolved by Finish.
// Use it to load constants placed in the code stream or to address a jump
// table.
func LabelMem(l Label) Mem { return Mem{Base: RIP, Index: NoReg, Scale: 1, Disp: int32(l)} }

func (m Mem) String() string {
	if m.Base == RIP {
		return fmt.Sprintf("[rip+L%d]", m.Disp)
	}
	s := "["
	if m.Base != NoReg {
		s += m.Base.String()
	}
	if m.Index != NoReg {
		if m.Base != NoReg {
			s += "+"
		}
		s += fmt.Sprintf("%s*%d", m.Index, m.Scale)
	}
	if m.Disp != 0 || (m.Base == NoReg && m.Index == NoReg) {
		s += fmt.Sprintf("%+d", m.Disp)
	}
	return s + "]"
}

// Label names a code position. Create with NewLabel, place with Bind.
type Label int32

// CallFixup records a `call rel32` whose target is only known to the
// linker.
type CallFixup struct {
	Offset int // offset of the rel32 field in the code
	Target int // caller-defined id, e.g. a function index
}

type fixupKind uint8

const (
	fixRel32  fixupKind = iota // rel32 = label - end
	fixData32                  // data32 = label - base label
)

type fixup struct {
	at    int32 // offset of the 4-byte field
	end   int32 // fixRel32: end of the instruction; fixData32: base label
	label Label
	kind  fixupKind
}

// unbound marks a label created but not yet bound.
const unbound = -1

// Assembler accumulates machine code. The zero value is not usable; call
// New.
type Assembler struct {
	// vexMoves selects the VEX.128 encodings of the packed moves (see
	// SetVEXMoves).
	vexMoves bool
	buf      []byte
	labels   []int32 // label -> offset, or unbound
	fixups   []fixup
	calls    []CallFixup
	err      error
	// lastBind is the offset of the most recent Bind (-1: none).
	lastBind int32
	// back is the most recent jump to a bound label (LastBackJump).
	back backJump
}

// backJump is where a jump to an already bound label lies, and its label.
type backJump struct {
	start, end int32
	label      Label
}

// New returns an empty Assembler.
func New() *Assembler {
	return &Assembler{buf: make([]byte, 0, 4096), lastBind: -1, back: backJump{label: -1}}
}

// Bytes returns the code emitted so far. Label fixups are only applied by
// Finish. The slice aliases the assembler's buffer until Reset.
func (a *Assembler) Bytes() []byte { return a.buf }

// Len returns the number of bytes emitted so far, i.e. the offset of the
// next instruction.
func (a *Assembler) Len() int { return len(a.buf) }

// Reset empties the assembler but keeps its buffers, so one Assembler can be
// reused across functions without reallocating. Labels from before the Reset
// must not be used afterwards.
func (a *Assembler) Reset() {
	a.buf = a.buf[:0]
	a.labels = a.labels[:0]
	a.fixups = a.fixups[:0]
	a.calls = a.calls[:0]
	a.err = nil
	a.lastBind = -1
	a.back = backJump{label: -1}
}

// ResetInto is Reset with the code written into buf's capacity from
// buf[0] on, as long as it fits (Bytes then aliases buf): a caller that
// keeps many functions' code in one arena has it emitted in place instead
// of copied there. Code that outgrows buf moves to memory of its own, as
// append moves it, and buf's bytes are left as partly written.
func (a *Assembler) ResetInto(buf []byte) {
	a.Reset()
	a.buf = buf[:0]
}

// Err returns the first encoding error, if any.
func (a *Assembler) Err() error { return a.err }

// CallFixups returns the call sites recorded by CallRel32, in emission
// order.
func (a *Assembler) CallFixups() []CallFixup { return a.calls }

// NewLabel returns a fresh unbound label.
func (a *Assembler) NewLabel() Label {
	a.labels = append(a.labels, unbound)
	return Label(len(a.labels) - 1)
}

// Bind places l at the current offset. Binding a label twice is an error.
func (a *Assembler) Bind(l Label) {
	if !a.validLabel("Bind", l) {
		return
	}
	if a.labels[l] != unbound {
		a.failf("Bind", "label L%d already bound at offset %d", l, a.labels[l])
		return
	}
	a.labels[l] = int32(len(a.buf))
	a.lastBind = int32(len(a.buf))
}

// BoundHere reports whether a label is bound at the current offset: code
// may jump there, so what the instructions just before it left in
// registers and memory need not hold on that path.
func (a *Assembler) BoundHere() bool { return int(a.lastBind) == len(a.buf) }

// LastBackJump returns the bytes [start, end) of the most recent jump
// emitted to a label bound before it (a loop's back edge, when l is its
// head), or ok false if that jump went elsewhere or there was none.
func (a *Assembler) LastBackJump(l Label) (start, end int, ok bool) {
	if a.back.label != l {
		return 0, 0, false
	}
	return int(a.back.start), int(a.back.end), true
}

// LabelOffset returns the offset l is bound to, or -1 if it is unbound.
func (a *Assembler) LabelOffset(l Label) int {
	if l < 0 || int(l) >= len(a.labels) {
		return -1
	}
	return int(a.labels[l])
}

func (a *Assembler) validLabel(op string, l Label) bool {
	if l < 0 || int(l) >= len(a.labels) {
		a.failf(op, "unknown label L%d", l)
		return false
	}
	return true
}

// Finish patches every label reference. It returns the first encoding error
// recorded so far, or an error naming the first reference to a label that
// was never bound. Calling it again after more code was emitted is fine.
func (a *Assembler) Finish() error {
	if a.err != nil {
		return a.err
	}
	for _, f := range a.fixups {
		target := a.labels[f.label]
		if target == unbound {
			return fmt.Errorf("asm: label L%d referenced at offset %d is never bound", f.label, f.at)
		}
		var v int64
		switch f.kind {
		case fixRel32:
			v = int64(target) - int64(f.end)
		case fixData32:
			base := a.labels[f.end]
			if base == unbound {
				return fmt.Errorf("asm: base label L%d of jump table entry at offset %d is never bound", f.end, f.at)
			}
			v = int64(target) - int64(base)
		}
		binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(v)))
	}
	return nil
}

// PatchRel32 writes to-fromEnd as a little-endian int32 at code[fieldOff:].
// fromEnd is the offset of the end of the instruction that owns the field
// (fieldOff+4 for CallRel32), to is the target offset; both are in the same
// address space as code. The linker uses it to resolve CallFixups.
func PatchRel32(code []byte, fieldOff int, fromEnd, to int) error {
	d := int64(to) - int64(fromEnd)
	if d < math.MinInt32 || d > math.MaxInt32 {
		return fmt.Errorf("asm: rel32 at offset %d: displacement %d from %d to %d out of range", fieldOff, d, fromEnd, to)
	}
	if fieldOff < 0 || fieldOff+4 > len(code) {
		return fmt.Errorf("asm: rel32 field at offset %d outside code of length %d", fieldOff, len(code))
	}
	binary.LittleEndian.PutUint32(code[fieldOff:], uint32(int32(d)))
	return nil
}

func (a *Assembler) failf(op string, format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("asm: %s at offset %d: %s", op, len(a.buf), fmt.Sprintf(format, args...))
	}
}

// ---- operand checks ----
// Each returns false (after recording an error) if the operand is invalid.
// They take the method name so errors point at the call that went wrong.

func (a *Assembler) gpr(op string, r Reg) bool {
	if r.IsGPR() {
		return true
	}
	a.failf(op, "%v is not a general purpose register", r)
	return false
}

func (a *Assembler) xmm(op string, r Reg) bool {
	if r.IsXMM() {
		return true
	}
	a.failf(op, "%v is not an XMM register", r)
	return false
}

func (a *Assembler) size(op string, size int, allowed uint8) bool {
	var bit uint8
	switch size {
	case 8:
		bit = s8
	case 16:
		bit = s16
	case 32:
		bit = s32
	case 64:
		bit = s64
	}
	if bit&allowed != 0 {
		return true
	}
	a.failf(op, "unsupported operand size %d", size)
	return false
}

// Size sets for Assembler.size.
const (
	s8  = 1 << iota
	s16 = 1 << iota
	s32 = 1 << iota
	s64 = 1 << iota

	s3264 = s32 | s64
	sAll  = s8 | s16 | s32 | s64
	s1664 = s16 | s32 | s64
)

func (a *Assembler) mem(op string, m Mem) bool {
	switch {
	case m.Base == RIP:
		if m.Index != NoReg {
			a.failf(op, "rip-relative operand cannot have an index")
			return false
		}
		return a.validLabel(op, Label(m.Disp))
	case m.Base != NoReg && !m.Base.IsGPR():
		a.failf(op, "base %v is not a general purpose register", m.Base)
		return false
	}
	if m.Index == NoReg {
		return true
	}
	if !m.Index.IsGPR() {
		a.failf(op, "index %v is not a general purpose register", m.Index)
		return false
	}
	if m.Index == RSP {
		// SIB index 100 means "no index"; RSP cannot be encoded there.
		a.failf(op, "rsp cannot be an index register")
		return false
	}
	switch m.Scale {
	case 1, 2, 4, 8:
		return true
	}
	// A Mem literal without Index: NoReg lands here with index RAX and
	// scale 0; say so, since that is the likely mistake.
	a.failf(op, "scale %d is not 1, 2, 4 or 8 (for no index set Index: NoReg, or use M)", m.Scale)
	return false
}

// ---- raw emission ----

func (a *Assembler) byte1(b byte) { a.buf = append(a.buf, b) }

func (a *Assembler) imm8(v int8) { a.buf = append(a.buf, byte(v)) }

func (a *Assembler) imm16(v int16) { a.buf = append(a.buf, byte(v), byte(v>>8)) }

func (a *Assembler) imm32(v int32) {
	a.buf = append(a.buf, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func (a *Assembler) imm64(v int64) {
	a.buf = binary.LittleEndian.AppendUint64(a.buf, uint64(v))
}

// opcode appends 1-3 opcode bytes. Multi-byte opcodes all start with 0F, so
// the value's magnitude tells how many bytes it has (a 1-byte opcode may be
// 00).
func (a *Assembler) opcode(op uint32) {
	switch {
	case op > 0xFFFF:
		a.buf = append(a.buf, byte(op>>16), byte(op>>8), byte(op))
	case op > 0xFF:
		a.buf = append(a.buf, byte(op>>8), byte(op))
	default:
		a.buf = append(a.buf, byte(op))
	}
}

// Encoding flags.
const (
	fW     = 1 << iota // REX.W
	fByteR             // ModRM.reg names a byte register: SPL..DIL need a REX
	fByteM             // ModRM.rm names a byte register
)

// prefixes emits the mandatory/legacy prefix and REX. Legacy prefixes
// (66/F2/F3) must precede REX, which must immediately precede the opcode.
func (a *Assembler) prefixes(pfx byte, flags int, r, x, b byte, forceREX bool) {
	if pfx != 0 {
		a.buf = append(a.buf, pfx)
	}
	rex := byte(0x40) | r<<2 | x<<1 | b
	if flags&fW != 0 {
		rex |= 8
	}
	if rex != 0x40 || forceREX {
		a.buf = append(a.buf, rex)
	}
}

// needsREX8 reports whether register number n (0-15) used as a byte register
// needs a REX prefix: without one, 4-7 encode AH, CH, DH, BH.
func needsREX8(n byte) bool { return n >= 4 && n < 8 }

// encRR emits an instruction whose ModRM has mod=11. reg and rm are
// hardware register numbers 0-15 (or a /digit for reg).
func (a *Assembler) encRR(pfx byte, op uint32, flags int, reg, rm byte) {
	force := (flags&fByteR != 0 && needsREX8(reg)) || (flags&fByteM != 0 && needsREX8(rm))
	a.prefixes(pfx, flags, reg>>3, 0, rm>>3, force)
	a.opcode(op)
	a.buf = append(a.buf, 0xC0|(reg&7)<<3|rm&7)
}

// encM emits an instruction with a memory ModRM operand. immLen is the size
// of any immediate that follows, needed because rip-relative displacements
// count from the end of the whole instruction. The caller must have
// validated m.
func (a *Assembler) encM(pfx byte, op uint32, flags int, reg byte, m Mem, immLen int) {
	force := flags&fByteR != 0 && needsREX8(reg)
	var x, b byte
	if m.Index != NoReg {
		x = m.Index.ext()
	}
	if m.Base != NoReg && m.Base != RIP {
		b = m.Base.ext()
	}
	a.prefixes(pfx, flags, reg>>3, x, b, force)
	a.opcode(op)
	a.modrmM(reg, m, immLen)
}

// modrmM emits the ModRM byte, any SIB byte and displacement of a memory
// operand m with reg (0-15; only its low three bits are encoded here) in
// ModRM.reg.
func (a *Assembler) modrmM(reg byte, m Mem, immLen int) {
	r := (reg & 7) << 3

	switch {
	case m.Base == RIP:
		// mod=00 rm=101 is rip+disp32 in 64-bit mode.
		a.buf = append(a.buf, r|5)
		at := len(a.buf)
		a.fixups = append(a.fixups, fixup{at: int32(at), end: int32(at + 4 + immLen), label: Label(m.Disp), kind: fixRel32})
		a.buf = append(a.buf, 0, 0, 0, 0)
		return
	case m.Base == NoReg:
		// Absolute: SIB with base=101 and mod=00 means disp32, no base.
		idx := byte(4) // no index
		if m.Index != NoReg {
			idx = m.Index.low3()
		}
		a.buf = append(a.buf, r|4, scaleBits(m.Scale)<<6|idx<<3|5)
		a.imm32(m.Disp)
		return
	}

	var mod byte
	switch {
	// Base low bits 101 with mod=00 means rip/disp32, so RBP and R13 need
	// an explicit zero disp8.
	case m.Disp == 0 && m.Base.low3() != 5:
		mod = 0
	case m.Disp >= -128 && m.Disp <= 127:
		mod = 1
	default:
		mod = 2
	}
	if m.Index == NoReg && m.Base.low3() != 4 {
		a.buf = append(a.buf, mod<<6|r|m.Base.low3())
	} else {
		// rm=100 selects a SIB byte; RSP and R12 as base can only be
		// expressed that way.
		idx := byte(4)
		sc := byte(0)
		if m.Index != NoReg {
			idx = m.Index.low3()
			sc = scaleBits(m.Scale)
		}
		a.buf = append(a.buf, mod<<6|r|4, sc<<6|idx<<3|m.Base.low3())
	}
	switch mod {
	case 1:
		a.buf = append(a.buf, byte(int8(m.Disp)))
	case 2:
		a.imm32(m.Disp)
	}
}

func scaleBits(s uint8) byte {
	switch s {
	case 2:
		return 1
	case 4:
		return 2
	case 8:
		return 3
	}
	return 0
}

func fitsInt8(v int64) bool  { return v >= math.MinInt8 && v <= math.MaxInt8 }
func fitsInt32(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }
