//go:build amd64 && go1.26 && !go1.27

#include "textflag.h"

// func runtimeX86() unsafe.Pointer
TEXT ·runtimeX86(SB), NOSPLIT, $0-8
	LEAQ internal∕cpu·X86(SB), AX
	MOVQ AX, ret+0(FP)
	RET
