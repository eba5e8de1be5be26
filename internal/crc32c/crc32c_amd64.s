#include "textflag.h"

// func updateSSE42(s uint32, p []byte) uint32
TEXT ·updateSSE42(SB), NOSPLIT, $0-36
	MOVL s+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	CMPQ CX, $8
	JB   tail

loop8:
	CRC32Q (SI), AX
	ADDQ   $8, SI
	SUBQ   $8, CX
	CMPQ   CX, $8
	JAE    loop8

tail:
	TESTQ CX, CX
	JZ    done

loop1:
	CRC32B (SI), AX
	INCQ   SI
	DECQ   CX
	JNZ    loop1

done:
	MOVL AX, ret+32(FP)
	RET

// func update3SSE42(sa, sb, sc uint32, a, b, c *byte, n int) (ra, rb, rc uint32)
TEXT ·update3SSE42(SB), NOSPLIT, $0-60
	MOVL sa+0(FP), AX
	MOVL sb+4(FP), BX
	MOVL sc+8(FP), DX
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), R8
	MOVQ n+40(FP), CX

loop:
	CRC32Q (SI), AX
	CRC32Q (DI), BX
	CRC32Q (R8), DX
	ADDQ   $8, SI
	ADDQ   $8, DI
	ADDQ   $8, R8
	SUBQ   $8, CX
	JNZ    loop

	MOVL AX, ra+48(FP)
	MOVL BX, rb+52(FP)
	MOVL DX, rc+56(FP)
	RET
