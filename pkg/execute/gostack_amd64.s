#include "textflag.h"

// func goStackUsed() uintptr
//
// g is at (TLS) in ABI0 code; the goroutine's stack bounds are g's first
// field (runtime.stack{lo, hi}), a layout the runtime's own assembly
// relies on.
TEXT ·goStackUsed(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ 8(AX), AX
	SUBQ SP, AX
	MOVQ AX, ret+0(FP)
	RET

// func goStackBounds() (lo, hi uintptr)
TEXT ·goStackBounds(SB), NOSPLIT, $0-16
	MOVQ (TLS), AX
	MOVQ 0(AX), BX
	MOVQ BX, lo+0(FP)
	MOVQ 8(AX), BX
	MOVQ BX, hi+8(FP)
	RET

// func curG() uintptr
//
// The running goroutine's g, which names it for as long as it lives: the
// store's owner (Store.call).
TEXT ·curG(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
