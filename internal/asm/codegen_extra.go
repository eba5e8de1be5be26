package asm

// Instructions added for the code generator's inline bulk memory
// operations (owned by pkg/codegen).

// Std sets the direction flag, so string instructions walk downwards
// (a backward rep movsb for overlapping memory.copy).
func (a *Assembler) Std() { a.byte1(0xFD) }

// Cld clears the direction flag; the guest ABI keeps it clear.
func (a *Assembler) Cld() { a.byte1(0xFC) }

// MovupsRM loads 16 unaligned bytes: movups dst, [m].
func (a *Assembler) MovupsRM(dst Reg, m Mem) {
	if a.vexMoves {
		if a.xmm("MovupsRM", dst) && a.mem("MovupsRM", m) {
			a.vexM(vexMap0F, false, 0, false, vexPPNone, 0x10, byte(dst-X0), m)
		}
		return
	}
	a.xm("MovupsRM", 0, 0x0F10, dst, m)
}

// MovupsMR stores 16 unaligned bytes: movups [m], src.
func (a *Assembler) MovupsMR(m Mem, src Reg) {
	if !a.vexStore(vexPPNone, 0x11, m, src) {
		a.sseRM("MovupsMR", 0, 0x0F11, 0, src, m, true, 0)
	}
}
