package asm

import (
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

type decoded struct {
	off  int
	inst x86asm.Inst
}

// decodeAll decodes b as a sequence of instructions, failing the test on
// any undecodable byte.
func decodeAll(t *testing.T, b []byte) []decoded {
	t.Helper()
	var out []decoded
	for off := 0; off < len(b); {
		inst, err := x86asm.Decode(b[off:], 64)
		if err != nil {
			t.Fatalf("decode at %d [% x]: %v", off, b[off:min(off+16, len(b))], err)
		}
		out = append(out, decoded{off, inst})
		off += inst.Len
	}
	return out
}

// at returns the instruction starting at off.
func at(t *testing.T, ds []decoded, off int) x86asm.Inst {
	t.Helper()
	for _, d := range ds {
		if d.off == off {
			return d.inst
		}
	}
	t.Fatalf("no instruction starts at offset %d", off)
	return x86asm.Inst{}
}

// decodeAt decodes the single instruction at off.
func decodeAt(t *testing.T, b []byte, off int) x86asm.Inst {
	t.Helper()
	inst, err := x86asm.Decode(b[off:], 64)
	if err != nil {
		t.Fatalf("decode at %d: %v", off, err)
	}
	return inst
}

// branchTarget is where a decoded rel8/rel32 branch at off goes.
func branchTarget(t *testing.T, inst x86asm.Inst, off int) int {
	t.Helper()
	rel, ok := inst.Args[0].(x86asm.Rel)
	if !ok {
		t.Fatalf("%v at %d: no relative target", inst, off)
	}
	return off + inst.Len + int(rel)
}

// ripTarget is the address a decoded [rip+disp] operand refers to.
func ripTarget(t *testing.T, inst x86asm.Inst, off int) int {
	t.Helper()
	for _, a := range inst.Args {
		if m, ok := a.(x86asm.Mem); ok && m.Base == x86asm.RIP {
			return off + inst.Len + int(m.Disp)
		}
	}
	t.Fatalf("%v at %d: no rip-relative operand", inst, off)
	return 0
}

func TestJumps(t *testing.T) {
	type jmp struct {
		name    string
		emit    func(a *Assembler, l Label)
		op      x86asm.Op
		shortSz int
		longSz  int
	}
	jumps := []jmp{{"Jmp", (*Assembler).Jmp, x86asm.JMP, 2, 5}}
	for c := Cond(0); c < 16; c++ {
		jumps = append(jumps, jmp{"J" + c.String(), func(a *Assembler, l Label) { a.Jcc(c, l) }, condOps[c].j, 2, 6})
	}
	pads := []int{0, 1, 100, 123, 124, 125, 126, 127, 128, 129, 200, 70000}
	for _, j := range jumps {
		for _, pad := range pads {
			// Backward: label, pad bytes, jump.
			a := New()
			l := a.NewLabel()
			a.Bind(l)
			a.Nop(pad)
			from := a.Len()
			j.emit(a, l)
			if err := a.Finish(); err != nil {
				t.Fatal(err)
			}
			inst := decodeAt(t, a.Bytes(), from)
			if inst.Op != j.op || branchTarget(t, inst, from) != 0 {
				t.Errorf("%s backward over %d: %v targets %d, want %v to 0", j.name, pad, inst, branchTarget(t, inst, from), j.op)
			}
			wantLen := j.longSz
			if pad+j.shortSz <= 128 {
				wantLen = j.shortSz
			}
			if inst.Len != wantLen {
				t.Errorf("%s backward over %d: %d bytes, want %d", j.name, pad, inst.Len, wantLen)
			}

			// Forward: jump, pad bytes, label.
			a = New()
			a.Int3()
			l = a.NewLabel()
			j.emit(a, l)
			a.Nop(pad)
			a.Bind(l)
			a.Int3()
			if err := a.Finish(); err != nil {
				t.Fatal(err)
			}
			inst = decodeAt(t, a.Bytes(), 1)
			if inst.Op != j.op || branchTarget(t, inst, 1) != a.LabelOffset(l) {
				t.Errorf("%s forward over %d: %v, want %v to %d", j.name, pad, inst, j.op, a.LabelOffset(l))
			}
		}
	}
}

func TestLabelLoop(t *testing.T) {
	// A typical loop: several jumps to the same labels in both directions.
	a := New()
	top, exit := a.NewLabel(), a.NewLabel()
	a.Bind(top)
	a.CmpRR(64, RAX, RCX)
	a.Jcc(CondGE, exit)
	a.AddRI(64, RAX, 1)
	a.Jmp(top)
	a.Bind(exit)
	a.Ret()
	if err := a.Finish(); err != nil {
		t.Fatal(err)
	}
	ds := decodeAll(t, a.Bytes())
	want := []x86asm.Op{x86asm.CMP, x86asm.JGE, x86asm.ADD, x86asm.JMP, x86asm.RET}
	if len(ds) != len(want) {
		t.Fatalf("%d instructions, want %d", len(ds), len(want))
	}
	for i, d := range ds {
		if d.inst.Op != want[i] {
			t.Errorf("instruction %d: %v, want %v", i, d.inst, want[i])
		}
	}
	if got := branchTarget(t, ds[1].inst, ds[1].off); got != a.LabelOffset(exit) {
		t.Errorf("jge goes to %d, want %d", got, a.LabelOffset(exit))
	}
	if got := branchTarget(t, ds[3].inst, ds[3].off); got != 0 {
		t.Errorf("jmp goes to %d, want 0", got)
	}
}

func TestJumpTable(t *testing.T) {
	a := New()
	table := a.NewLabel()
	targets := []Label{a.NewLabel(), a.NewLabel(), a.NewLabel()}
	// Dispatch on rdi as in the DataLabel32 doc comment.
	a.LeaRIPLabel(RAX, table)
	a.MovsxRM(64, 32, RCX, MI(RAX, RDI, 4, 0))
	a.AddRR(64, RCX, RAX)
	a.JmpR(RCX)
	a.Align(4)
	a.Bind(table)
	// Entries in a different order than the targets, one repeated.
	order := []int{2, 0, 1, 2}
	for _, i := range order {
		a.DataLabel32(table, targets[i])
	}
	for i, l := range targets {
		a.Bind(l)
		a.MovRI(32, RAX, int64(i))
		a.Ret()
	}
	if err := a.Finish(); err != nil {
		t.Fatal(err)
	}
	code := a.Bytes()
	tab := a.LabelOffset(table)
	if tab%4 != 0 {
		t.Errorf("table at %d not 4-byte aligned", tab)
	}
	for k, i := range order {
		entry := int32(binary.LittleEndian.Uint32(code[tab+4*k:]))
		if got, want := tab+int(entry), a.LabelOffset(targets[i]); got != want {
			t.Errorf("entry %d: table+%d = %d, want %d", k, entry, got, want)
		}
	}
	ds := decodeAll(t, code[:tab])
	if ds[0].inst.Op != x86asm.LEA || ripTarget(t, ds[0].inst, 0) != tab {
		t.Errorf("lea %v does not address the table at %d", ds[0].inst, tab)
	}
	if ds[1].inst.Op != x86asm.MOVSXD || ds[3].inst.Op != x86asm.JMP {
		t.Errorf("unexpected dispatch sequence %v, %v", ds[1].inst, ds[3].inst)
	}
}

func TestLabelMem(t *testing.T) {
	// rip-relative displacements count from the end of the instruction,
	// including any immediate after the displacement; cover forms with no,
	// 1-, 2- and 4-byte immediates, backward and forward.
	forms := []struct {
		name string
		emit func(a *Assembler, m Mem)
	}{
		{"MovsdRM", func(a *Assembler, m Mem) { a.MovsdRM(X9, m) }},
		{"AndpsRM", func(a *Assembler, m Mem) { a.AndpsRM(X1, m) }},
		{"MovRM", func(a *Assembler, m Mem) { a.MovRM(64, R12, m) }},
		{"Lea", func(a *Assembler, m Mem) { a.Lea(64, RSI, m) }},
		{"CmpMI8", func(a *Assembler, m Mem) { a.CmpMI(32, m, 5) }},
		{"CmpMI32", func(a *Assembler, m Mem) { a.CmpMI(64, m, 100000) }},
		{"MovMI8", func(a *Assembler, m Mem) { a.MovMI(8, m, -1) }},
		{"MovMI16", func(a *Assembler, m Mem) { a.MovMI(16, m, 0x1234) }},
		{"TestMI", func(a *Assembler, m Mem) { a.TestMI(32, m, 0x10000) }},
		{"RoundsdRM", func(a *Assembler, m Mem) { a.RoundsdRM(X2, m, RoundFloor) }},
		{"JmpM", func(a *Assembler, m Mem) { a.JmpM(m) }},
	}
	for _, f := range forms {
		a := New()
		back, fwd := a.NewLabel(), a.NewLabel()
		a.Bind(back)
		a.Data64(0x3ff0000000000000)
		o1 := a.Len()
		f.emit(a, LabelMem(back))
		o2 := a.Len()
		f.emit(a, LabelMem(fwd))
		end := a.Len()
		a.Align(16)
		a.Bind(fwd)
		a.Data64(0)
		if err := a.Finish(); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		ds := decodeAll(t, a.Bytes()[o1:end])
		if len(ds) != 2 {
			t.Fatalf("%s: decoded %d instructions, want 2", f.name, len(ds))
		}
		if got := ripTarget(t, ds[0].inst, o1); got != a.LabelOffset(back) {
			t.Errorf("%s backward: %v addresses %d, want %d", f.name, ds[0].inst, got, a.LabelOffset(back))
		}
		if got := ripTarget(t, ds[1].inst, o2); got != a.LabelOffset(fwd) {
			t.Errorf("%s forward: %v addresses %d, want %d", f.name, ds[1].inst, got, a.LabelOffset(fwd))
		}
	}
}

func TestCallFixups(t *testing.T) {
	a := New()
	a.Push(RBP)
	a.CallRel32(7)
	a.MovRR(64, RBX, RAX)
	a.CallRel32(42)
	a.Ret()
	fx := a.CallFixups()
	if len(fx) != 2 || fx[0] != (CallFixup{Offset: 2, Target: 7}) || fx[1] != (CallFixup{Offset: 10, Target: 42}) {
		t.Fatalf("fixups %+v", fx)
	}
	if err := a.Finish(); err != nil {
		t.Fatal(err)
	}
	// Pretend the code is loaded at 0x1000 within a 1 MiB image and the
	// callees live before and after it.
	code := append([]byte(nil), a.Bytes()...)
	const base = 0x1000
	addr := map[int]int{7: 0x40, 42: 0x80000}
	for _, f := range fx {
		if err := PatchRel32(code, f.Offset, base+f.Offset+4, addr[f.Target]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range fx {
		callOff := f.Offset - 1
		inst, err := x86asm.Decode(code[callOff:], 64)
		if err != nil || inst.Op != x86asm.CALL {
			t.Fatalf("at %d: %v %v", callOff, inst, err)
		}
		if got := base + callOff + inst.Len + int(inst.Args[0].(x86asm.Rel)); got != addr[f.Target] {
			t.Errorf("call at %d goes to %#x, want %#x", callOff, got, addr[f.Target])
		}
	}
	if err := PatchRel32(code, 2, 0, 1<<40); err == nil {
		t.Error("PatchRel32 accepted an out-of-range displacement")
	}
	if err := PatchRel32(code, len(code)-2, 0, 0); err == nil {
		t.Error("PatchRel32 accepted a field past the end of the code")
	}

	// Reset clears recorded fixups but keeps working.
	a.Reset()
	if len(a.CallFixups()) != 0 || a.Len() != 0 {
		t.Errorf("Reset left %d fixups, %d bytes", len(a.CallFixups()), a.Len())
	}
}

func TestCallLabel(t *testing.T) {
	a := New()
	f := a.NewLabel()
	a.CallLabel(f)
	a.Ret()
	a.Bind(f)
	a.Ret()
	if err := a.Finish(); err != nil {
		t.Fatal(err)
	}
	ds := decodeAll(t, a.Bytes())
	if ds[0].inst.Op != x86asm.CALL || branchTarget(t, ds[0].inst, 0) != a.LabelOffset(f) {
		t.Errorf("%v does not call %d", ds[0].inst, a.LabelOffset(f))
	}
}

func TestNopAlign(t *testing.T) {
	for n := 0; n <= 40; n++ {
		a := New()
		a.Nop(n)
		if a.Len() != n {
			t.Fatalf("Nop(%d) emitted %d bytes", n, a.Len())
		}
		ds := decodeAll(t, a.Bytes())
		for _, d := range ds {
			if d.inst.Op != x86asm.NOP {
				t.Errorf("Nop(%d): %v at %d", n, d.inst, d.off)
			}
		}
		if want := (n + 8) / 9; len(ds) != want {
			t.Errorf("Nop(%d): %d instructions, want %d", n, len(ds), want)
		}
	}
	for _, align := range []int{1, 2, 4, 8, 16, 32, 64} {
		for start := 0; start < 70; start++ {
			a := New()
			a.DataBytes(make([]byte, start))
			a.Align(align)
			want := (start + align - 1) / align * align
			if a.Len() != want {
				t.Errorf("Align(%d) from %d: at %d, want %d", align, start, a.Len(), want)
			}
			a.AlignWith(align*2, 0xCC)
			if a.Len()%(align*2) != 0 {
				t.Errorf("AlignWith(%d): at %d", align*2, a.Len())
			}
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		emit func(a *Assembler)
		want string
	}{
		{"index rsp", func(a *Assembler) { a.MovRM(64, RAX, MI(RBX, RSP, 1, 0)) }, "MovRM at offset 0: rsp cannot be an index"},
		{"bad scale", func(a *Assembler) { a.MovMR(32, MI(RBX, RCX, 3, 0), RAX) }, "scale 3"},
		{"xmm base", func(a *Assembler) { a.Lea(64, RAX, M(X1, 0)) }, "base xmm1"},
		{"xmm index", func(a *Assembler) { a.Lea(64, RAX, MI(RAX, X1, 1, 0)) }, "index xmm1"},
		{"rip with index", func(a *Assembler) {
			l := a.NewLabel()
			a.MovsdRM(X0, Mem{Base: RIP, Index: RAX, Scale: 1, Disp: int32(l)})
		}, "index"},
		{"xmm as gpr", func(a *Assembler) { a.AddRR(64, X0, RAX) }, "AddRR at offset 0: xmm0 is not a general purpose register"},
		{"gpr as xmm", func(a *Assembler) { a.AddsdRR(X0, RAX) }, "AddsdRR at offset 0: rax is not an XMM register"},
		{"cvt wrong kind", func(a *Assembler) { a.Cvtsi2sdRR(64, RAX, X0) }, "Cvtsi2sdRR"},
		{"noreg", func(a *Assembler) { a.Push(NoReg) }, "noreg"},
		{"size 12", func(a *Assembler) { a.SubRI(12, RAX, 1) }, "SubRI at offset 0: unsupported operand size 12"},
		{"lea size 8", func(a *Assembler) { a.Lea(8, RAX, M(RAX, 0)) }, "unsupported operand size 8"},
		{"imul size 8", func(a *Assembler) { a.ImulRR(8, RAX, RCX) }, "size 8"},
		{"popcnt size 16", func(a *Assembler) { a.PopcntRR(16, RAX, RCX) }, "size 16"},
		{"movsx same size", func(a *Assembler) { a.Movsx(32, 32, RAX, RCX) }, "not narrower"},
		{"movzx 64 src", func(a *Assembler) { a.Movzx(64, 64, RAX, RCX) }, "size 64"},
		{"unknown label", func(a *Assembler) { a.Jmp(Label(3)) }, "unknown label L3"},
		{"double bind", func(a *Assembler) { l := a.NewLabel(); a.Bind(l); a.Bind(l) }, "already bound"},
		{"align 3", func(a *Assembler) { a.Align(3) }, "power of two"},
		{"label mem unknown", func(a *Assembler) { a.MovsdRM(X0, LabelMem(9)) }, "unknown label L9"},
	}
	for _, c := range cases {
		a := New()
		c.emit(a)
		err := a.Err()
		if err == nil {
			t.Errorf("%s: no error, emitted [% x]", c.name, a.Bytes())
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.want)
		}
		if a.Len() != 0 {
			t.Errorf("%s: emitted %d bytes despite the error", c.name, a.Len())
		}
		if ferr := a.Finish(); ferr != err {
			t.Errorf("%s: Finish returned %v, want the sticky %v", c.name, ferr, err)
		}
	}

	// The first error sticks; later good instructions are still encoded.
	a := New()
	a.AddRR(64, X0, RAX)
	a.Ret()
	a.AddRR(64, X1, RAX)
	if err := a.Err(); err == nil || !strings.Contains(err.Error(), "xmm0") || a.Len() != 1 {
		t.Errorf("sticky error %v, %d bytes", err, a.Len())
	}
	a.Reset()
	if a.Err() != nil {
		t.Errorf("Reset kept error %v", a.Err())
	}

	// Unbound labels are reported by Finish with the referencing offset.
	a = New()
	a.Ret()
	a.Jcc(CondE, a.NewLabel())
	if err := a.Finish(); err == nil || !strings.Contains(err.Error(), "L0 referenced at offset 3 is never bound") {
		t.Errorf("Finish with unbound label: %v", err)
	}
	a = New()
	base, tgt := a.NewLabel(), a.NewLabel()
	a.Bind(tgt)
	a.DataLabel32(base, tgt)
	if err := a.Finish(); err == nil || !strings.Contains(err.Error(), "base label L0") {
		t.Errorf("Finish with unbound table base: %v", err)
	}
	if a.LabelOffset(base) != -1 || a.LabelOffset(Label(99)) != -1 {
		t.Error("LabelOffset of unbound/unknown label is not -1")
	}
}

func TestCondInvert(t *testing.T) {
	pairs := map[Cond]Cond{CondE: CondNE, CondL: CondGE, CondLE: CondG, CondB: CondAE, CondBE: CondA, CondO: CondNO, CondS: CondNS, CondP: CondNP}
	for c, n := range pairs {
		if c.Invert() != n || n.Invert() != c {
			t.Errorf("%v.Invert() = %v, want %v", c, c.Invert(), n)
		}
	}
	if CondC != CondB || CondZ != CondE || CondNZ != CondNE || CondNC != CondAE {
		t.Error("alias conditions wrong")
	}
}

func TestStrings(t *testing.T) {
	cases := map[string]string{
		RAX.String():                       "rax",
		R15.String():                       "r15",
		X0.String():                        "xmm0",
		X15.String():                       "xmm15",
		NoReg.String():                     "noreg",
		Reg(40).String():                   "Reg(40)",
		CondGE.String():                    "ge",
		M(RBP, -8).String():                "[rbp-8]",
		MI(RAX, R9, 4, 16).String():        "[rax+r9*4+16]",
		M(RSP, 0).String():                 "[rsp]",
		LabelMem(3).String():               "[rip+L3]",
		MI(NoReg, RCX, 8, 0).String():      "[rcx*8]",
		(Mem{NoReg, NoReg, 1, 0}).String(): "[+0]",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	for r := RAX; r <= R15; r++ {
		if !r.IsGPR() || r.IsXMM() {
			t.Errorf("%v misclassified", r)
		}
	}
	for r := X0; r <= X15; r++ {
		if r.IsGPR() || !r.IsXMM() {
			t.Errorf("%v misclassified", r)
		}
	}
}

// emitMix emits a representative instruction mix.
func emitMix(a *Assembler) {
	l := a.NewLabel()
	a.Bind(l)
	a.MovRM(64, RAX, MI(R12, RCX, 8, 16))
	a.AddRI(32, RAX, 1000)
	a.CmpRR(64, RAX, R13)
	a.Setcc(CondL, RSI)
	a.Movzx(32, 8, RSI, RSI)
	a.CmovccRR(CondGE, 64, RAX, RDX)
	a.MovMR(32, M(RBP, -8), RAX)
	a.ShlRI(64, RAX, 3)
	a.AddsdRM(X3, M(RSP, 24))
	a.Cvttsd2siRR(64, RAX, X3)
	a.MovsdRM(X0, LabelMem(l))
	a.CallRel32(5)
	a.Jcc(CondNE, l)
	f := a.NewLabel()
	a.Jmp(f)
	a.Bind(f)
	a.Ret()
}

func TestNoAllocs(t *testing.T) {
	a := New()
	for range 3 {
		a.Reset()
		emitMix(a) // grow the buffers once
	}
	allocs := testing.AllocsPerRun(100, func() {
		a.Reset()
		emitMix(a)
		if err := a.Finish(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}

func BenchmarkEmitMix(b *testing.B) {
	a := New()
	b.ReportAllocs()
	for b.Loop() {
		a.Reset()
		for range 100 {
			emitMix(a)
		}
		if err := a.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}
