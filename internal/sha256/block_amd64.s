//go:build amd64

#include "textflag.h"

// ROUNDS4 runs four rounds from the schedule words in cur (constants at
// off(AX)) and adds the next words' sigma-1 part into next: cur, prev and
// next rotate through X3-X6 from round 16 to 59.
#define ROUNDS4(off, cur, prev, next) \
	MOVO cur, X0; \
	PADDD off(AX), X0; \
	SHA256RNDS2 X0, X1, X2; \
	MOVO cur, X7; \
	PALIGNR $0x04, prev, X7; \
	PADDD X7, next; \
	SHA256MSG2 cur, next; \
	PSHUFD $0x0e, X0, X0; \
	SHA256RNDS2 X0, X2, X1

// func blockSHANI(h *[8]uint32, p *byte, n int)
//
// n bytes at p (a multiple of 64, at least 64) through the SHA-256
// compression function with the SHA extensions (and SSSE3 and SSE4.1),
// as Intel's SHA extensions paper lays the rounds out: X1 and X2 hold the
// state as ABEF and CDGH, X0 two rounds' message words plus constants
// (SHA256RNDS2's implicit operand), X3-X6 the message schedule's last
// sixteen words, rotated; X9 and X10 the state before the block.
TEXT ·blockSHANI(SB), NOSPLIT, $0-24
	MOVQ h+0(FP), DI
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), DX
	ADDQ SI, DX
	MOVOU (DI), X1        // DCBA
	MOVOU 16(DI), X2      // HGFE
	PSHUFD $0xb1, X1, X1  // CDAB
	PSHUFD $0x1b, X2, X2  // EFGH
	MOVO X1, X7
	PALIGNR $0x08, X2, X1 // ABEF
	PBLENDW $0xf0, X7, X2 // CDGH
	MOVOU flip<>(SB), X8
	LEAQ k<>(SB), AX

loop:
	MOVO X1, X9
	MOVO X2, X10

	// rounds 0-3
	MOVOU 0(SI), X0
	PSHUFB X8, X0
	MOVO X0, X3
	PADDD 0(AX), X0
	SHA256RNDS2 X0, X1, X2
	PSHUFD $0x0e, X0, X0
	SHA256RNDS2 X0, X2, X1

	// rounds 4-7
	MOVOU 16(SI), X0
	PSHUFB X8, X0
	MOVO X0, X4
	PADDD 16(AX), X0
	SHA256RNDS2 X0, X1, X2
	PSHUFD $0x0e, X0, X0
	SHA256RNDS2 X0, X2, X1
	SHA256MSG1 X4, X3

	// rounds 8-11
	MOVOU 32(SI), X0
	PSHUFB X8, X0
	MOVO X0, X5
	PADDD 32(AX), X0
	SHA256RNDS2 X0, X1, X2
	PSHUFD $0x0e, X0, X0
	SHA256RNDS2 X0, X2, X1
	SHA256MSG1 X5, X4

	// rounds 12-15
	MOVOU 48(SI), X0
	PSHUFB X8, X0
	MOVO X0, X6
	PADDD 48(AX), X0
	SHA256RNDS2 X0, X1, X2
	MOVO X6, X7
	PALIGNR $0x04, X5, X7
	PADDD X7, X3
	SHA256MSG2 X6, X3
	PSHUFD $0x0e, X0, X0
	SHA256RNDS2 X0, X2, X1
	SHA256MSG1 X6, X5

	// rounds 16-19
	ROUNDS4(64, X3, X6, X4)
	SHA256MSG1 X3, X6

	// rounds 20-23
	ROUNDS4(80, X4, X3, X5)
	SHA256MSG1 X4, X3

	// rounds 24-27
	ROUNDS4(96, X5, X4, X6)
	SHA256MSG1 X5, X4

	// rounds 28-31
	ROUNDS4(112, X6, X5, X3)
	SHA256MSG1 X6, X5

	// rounds 32-35
	ROUNDS4(128, X3, X6, X4)
	SHA256MSG1 X3, X6

	// rounds 36-39
	ROUNDS4(144, X4, X3, X5)
	SHA256MSG1 X4, X3

	// rounds 40-43
	ROUNDS4(160, X5, X4, X6)
	SHA256MSG1 X5, X4

	// rounds 44-47
	ROUNDS4(176, X6, X5, X3)
	SHA256MSG1 X6, X5

	// rounds 48-51
	ROUNDS4(192, X3, X6, X4)
	SHA256MSG1 X3, X6

	// rounds 52-55
	ROUNDS4(208, X4, X3, X5)

	// rounds 56-59
	ROUNDS4(224, X5, X4, X6)

	// rounds 60-63
	MOVO X6, X0
	PADDD 240(AX), X0
	SHA256RNDS2 X0, X1, X2
	PSHUFD $0x0e, X0, X0
	SHA256RNDS2 X0, X2, X1

	PADDD X9, X1
	PADDD X10, X2
	ADDQ $64, SI
	CMPQ SI, DX
	JNE loop

	PSHUFD $0x1b, X1, X1  // FEBA
	PSHUFD $0xb1, X2, X2  // DCHG
	MOVO X1, X7
	PBLENDW $0xf0, X2, X1 // DCBA
	PALIGNR $0x08, X7, X2 // HGFE
	MOVOU X1, (DI)
	MOVOU X2, 16(DI)
	RET

// flip turns each 32-bit word of a block big-endian.
DATA flip<>+0(SB)/8, $0x0405060700010203
DATA flip<>+8(SB)/8, $0x0c0d0e0f08090a0b
GLOBL flip<>(SB), RODATA|NOPTR, $16

// k is SHA-256's 64 round constants, four to a 16-byte row.
DATA k<>+0(SB)/4, $0x428a2f98
DATA k<>+4(SB)/4, $0x71374491
DATA k<>+8(SB)/4, $0xb5c0fbcf
DATA k<>+12(SB)/4, $0xe9b5dba5
DATA k<>+16(SB)/4, $0x3956c25b
DATA k<>+20(SB)/4, $0x59f111f1
DATA k<>+24(SB)/4, $0x923f82a4
DATA k<>+28(SB)/4, $0xab1c5ed5
DATA k<>+32(SB)/4, $0xd807aa98
DATA k<>+36(SB)/4, $0x12835b01
DATA k<>+40(SB)/4, $0x243185be
DATA k<>+44(SB)/4, $0x550c7dc3
DATA k<>+48(SB)/4, $0x72be5d74
DATA k<>+52(SB)/4, $0x80deb1fe
DATA k<>+56(SB)/4, $0x9bdc06a7
DATA k<>+60(SB)/4, $0xc19bf174
DATA k<>+64(SB)/4, $0xe49b69c1
DATA k<>+68(SB)/4, $0xefbe4786
DATA k<>+72(SB)/4, $0x0fc19dc6
DATA k<>+76(SB)/4, $0x240ca1cc
DATA k<>+80(SB)/4, $0x2de92c6f
DATA k<>+84(SB)/4, $0x4a7484aa
DATA k<>+88(SB)/4, $0x5cb0a9dc
DATA k<>+92(SB)/4, $0x76f988da
DATA k<>+96(SB)/4, $0x983e5152
DATA k<>+100(SB)/4, $0xa831c66d
DATA k<>+104(SB)/4, $0xb00327c8
DATA k<>+108(SB)/4, $0xbf597fc7
DATA k<>+112(SB)/4, $0xc6e00bf3
DATA k<>+116(SB)/4, $0xd5a79147
DATA k<>+120(SB)/4, $0x06ca6351
DATA k<>+124(SB)/4, $0x14292967
DATA k<>+128(SB)/4, $0x27b70a85
DATA k<>+132(SB)/4, $0x2e1b2138
DATA k<>+136(SB)/4, $0x4d2c6dfc
DATA k<>+140(SB)/4, $0x53380d13
DATA k<>+144(SB)/4, $0x650a7354
DATA k<>+148(SB)/4, $0x766a0abb
DATA k<>+152(SB)/4, $0x81c2c92e
DATA k<>+156(SB)/4, $0x92722c85
DATA k<>+160(SB)/4, $0xa2bfe8a1
DATA k<>+164(SB)/4, $0xa81a664b
DATA k<>+168(SB)/4, $0xc24b8b70
DATA k<>+172(SB)/4, $0xc76c51a3
DATA k<>+176(SB)/4, $0xd192e819
DATA k<>+180(SB)/4, $0xd6990624
DATA k<>+184(SB)/4, $0xf40e3585
DATA k<>+188(SB)/4, $0x106aa070
DATA k<>+192(SB)/4, $0x19a4c116
DATA k<>+196(SB)/4, $0x1e376c08
DATA k<>+200(SB)/4, $0x2748774c
DATA k<>+204(SB)/4, $0x34b0bcb5
DATA k<>+208(SB)/4, $0x391c0cb3
DATA k<>+212(SB)/4, $0x4ed8aa4a
DATA k<>+216(SB)/4, $0x5b9cca4f
DATA k<>+220(SB)/4, $0x682e6ff3
DATA k<>+224(SB)/4, $0x748f82ee
DATA k<>+228(SB)/4, $0x78a5636f
DATA k<>+232(SB)/4, $0x84c87814
DATA k<>+236(SB)/4, $0x8cc70208
DATA k<>+240(SB)/4, $0x90befffa
DATA k<>+244(SB)/4, $0xa4506ceb
DATA k<>+248(SB)/4, $0xbef9a3f7
DATA k<>+252(SB)/4, $0xc67178f2
GLOBL k<>(SB), RODATA|NOPTR, $256
