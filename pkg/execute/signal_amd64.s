#include "textflag.h"

// Linux amd64 ucontext: mcontext gregs start at 40; gregs[i] at 40+8i.
#define UC_R15 96
#define UC_RBP 120
#define UC_RSP 160
#define UC_RIP 168
#define SI_CODE 8
#define SI_ADDR 16

#define SIGBUS 7
#define SIGSEGV 11
#define SIGURG 23

#define VMInterrupt 0x18
#define VMExec 0x20
#define ExecGoSP 0x00
#define ExecGoBP 0x08
#define ExecExitCode 0x10
#define ExecTrapPC 0x18
#define ExecFrameBP 0x20

// sigHandler is installed with rt_sigaction for SIGSEGV, SIGBUS and SIGURG
// (SA_SIGINFO|SA_ONSTACK, so it runs on the thread's gsignal stack). The
// kernel calls it with the C convention: DI = signal, SI = siginfo,
// DX = ucontext. It makes no calls and touches only AX, CX, R8-R11 (free in
// the C convention) and memory it has validated:
//
//   - SIGURG (Go's preemption signal) with RIP in registered guest code:
//     set the interrupt word of the vmctx in R15 so the guest exits to Go
//     at its next check, then let Go's handler run as usual (it declines
//     to preempt non-Go code).
//   - SIGSEGV/SIGBUS raised by the kernel with RIP in guest code and the
//     fault address inside a registered guard region: record a trap in the
//     ExecContext and rewrite RIP to sigLanding. Returning lets the kernel
//     restore the rewritten context.
//   - Anything else: tail-jump to the handler that was installed before
//     (Go's), registers as the kernel gave them.
TEXT ·sigHandler(SB), NOSPLIT|NOFRAME, $0
	MOVQ UC_RIP(DX), AX
	// Is RIP in guest code?
	MOVQ ·sigCodeN(SB), R8
	LEAQ ·sigCode(SB), R9
codeloop:
	TESTQ R8, R8
	JZ chain
	MOVQ 0(R9), CX
	TESTQ CX, CX
	JZ codenext
	CMPQ AX, CX
	JB codenext
	CMPQ AX, 8(R9)
	JB incode
codenext:
	ADDQ $16, R9
	DECQ R8
	JMP codeloop

incode:
	CMPL DI, $SIGURG
	JNE fault
	MOVQ UC_R15(DX), R10
	MOVL $1, VMInterrupt(R10)
	JMP chain

fault:
	CMPL DI, $SIGSEGV
	JE faultok
	CMPL DI, $SIGBUS
	JNE chain
faultok:
	// Only faults the kernel raised (si_code > 0), not kill(2).
	MOVL SI_CODE(SI), CX
	CMPL CX, $0
	JLE chain
	MOVQ SI_ADDR(SI), R11
	MOVQ ·sigGuardN(SB), R8
	LEAQ ·sigGuard(SB), R9
guardloop:
	TESTQ R8, R8
	JZ chain
	MOVQ 0(R9), CX
	TESTQ CX, CX
	JZ guardnext
	CMPQ R11, CX
	JB guardnext
	CMPQ R11, 8(R9)
	JB inguard
guardnext:
	ADDQ $24, R9
	DECQ R8
	JMP guardloop

inguard:
	// 16(R9) is the exit code to report (ExitTrap | code<<8).
	MOVQ 16(R9), CX
	MOVQ UC_R15(DX), R10
	MOVQ VMExec(R10), R10
	MOVQ CX, ExecExitCode(R10)
	MOVQ AX, ExecTrapPC(R10)
	MOVQ UC_RBP(DX), CX
	MOVQ CX, ExecFrameBP(R10)
	LEAQ ·sigLanding(SB), CX
	MOVQ CX, UC_RIP(DX)
	LOCK
	INCQ ·sigFaultTraps(SB)
	RET

chain:
	CMPL DI, $SIGURG
	JNE notUrg
	MOVQ ·sigOldURG(SB), AX
	JMP forward
notUrg:
	CMPL DI, $SIGBUS
	JNE notBus
	MOVQ ·sigOldBUS(SB), AX
	JMP forward
notBus:
	MOVQ ·sigOldSEGV(SB), AX
forward:
	// SIG_DFL (0) and SIG_IGN (1) cannot be jumped to; Go always has a
	// handler for these signals, so this only drops a signal that nobody
	// would have handled.
	CMPQ AX, $1
	JBE done
	JMP AX
done:
	RET

// sigLanding is where a guest resumes after a fault became a trap: R15 is
// still its vmctx, and the handler has filled in the exit. It performs the
// ordinary exit sequence.
TEXT ·sigLanding(SB), NOSPLIT|NOFRAME, $0
	// The guest's BP is dead here; reading it first tells vet's
	// framepointer check that overwriting it below is deliberate.
	MOVQ BP, CX
	MOVQ VMExec(R15), AX
	MOVQ ExecGoSP(AX), SP
	MOVQ ExecGoBP(AX), BP
	RET

// func sigHandlerAddr() uintptr
TEXT ·sigHandlerAddr(SB), NOSPLIT, $0-8
	LEAQ ·sigHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET
