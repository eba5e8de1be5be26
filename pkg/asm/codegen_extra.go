package asm

// Instructions added for the code generator's inline bulk memory
// operations (owned by pkg/codegen).

// Std sets the direction flag, so string instructions walk downwards
// (a backward rep movsb for overlapping memory.copy).
func (a *Assembler) Std() { a.byte1(0xFD) }

// Cld clears the direction flag; the guest ABI keeps it clear.
func (a *Assembler) Cld() { a.byte1(0xFC) }
