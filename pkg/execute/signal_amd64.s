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

// Private words past the ABI's fields (signal.go).
#define VMGuardLo 0x80
#define VMGuardHi 0x88
#define ExecStackGuardLo 0x80
#define ExecStackGuardHi 0x88
#define ExecStackLow 0x90
// Stack extension granularity (stackGrow in stack.go).
#define StackGrowMask $~0x3fff

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
//     fault address inside a guard region of that guest (its memory's
//     reservation, read from its vmctx in R15, or the guard page below its
//     store's stack, from the ExecContext): record a trap in the
//     ExecContext and rewrite RIP to sigLanding. Returning lets the kernel
//     restore the rewritten context.
//   - Anything else: tail-jump to the handler that was installed before
//     (Go's), registers as the kernel gave them.
//
// sigActive counts handlers that may be reading a code table (see
// signal.go): incremented before the table pointer is loaded, decremented
// before returning or chaining.
TEXT ·sigHandler(SB), NOSPLIT|NOFRAME, $0
	LOCK
	INCQ ·sigActive(SB)
	MOVQ UC_RIP(DX), AX
	// Is RIP in guest code? Bisect the sorted table [n, s0, e0, s1, e1...]
	// for the last range starting at or below RIP.
	MOVQ ·sigCodeTab(SB), R9
	TESTQ R9, R9
	JZ chain
	MOVQ 0(R9), R8 // hi
	XORL CX, CX    // lo
search:
	CMPQ CX, R8
	JAE chain
	LEAQ 0(CX)(R8*1), R10
	SHRQ $1, R10 // mid
	MOVQ R10, R11
	SHLQ $4, R11
	ADDQ R9, R11 // &entry[mid] - 8
	CMPQ AX, 8(R11)
	JB below
	CMPQ AX, 16(R11)
	JB incode
	LEAQ 1(R10), CX
	JMP search
below:
	MOVQ R10, R8
	JMP search

incode:
	// R15 is the guest's vmctx (guest code never changes it).
	MOVQ UC_R15(DX), R10
	CMPL DI, $SIGURG
	JNE fault
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
	MOVQ ·sigExitOOB(SB), CX
	CMPQ R11, VMGuardLo(R10)
	JB notmem
	CMPQ R11, VMGuardHi(R10)
	JB inguard
notmem:
	MOVQ VMExec(R10), R9
	MOVQ ·sigExitStack(SB), CX
	CMPQ R11, ExecStackGuardLo(R9)
	JB chain
	CMPQ R11, ExecStackGuardHi(R9)
	JB inguard
	CMPQ R11, ExecStackLow(R9)
	JAE chain
	// Below the accessible part of the stack, above the guard page: make
	// the stack accessible down to the fault (rounded down to the growth
	// granularity, never into the guard page), record the new low and
	// return to retry the instruction. The stack's reset clears exactly
	// what was ever accessible. SYSCALL clobbers AX, CX and R11; the
	// ucontext moves to R8.
	MOVQ DX, R8
	ANDQ StackGrowMask, R11
	CMPQ R11, ExecStackGuardHi(R9)
	JAE growok
	MOVQ ExecStackGuardHi(R9), R11
growok:
	MOVQ R11, DI
	MOVQ ExecStackLow(R9), SI
	SUBQ R11, SI
	MOVQ R11, R10
	MOVL $3, DX  // PROT_READ|PROT_WRITE
	MOVL $10, AX // SYS_mprotect
	SYSCALL
	MOVQ R8, DX
	CMPQ AX, $-4095
	JAE growfail
	MOVQ R10, ExecStackLow(R9)
	LOCK
	DECQ ·sigActive(SB)
	RET
growfail:
	// Out of mappings or memory: the stack cannot grow, which is a stack
	// overflow for the guest.
	MOVQ UC_R15(DX), R10
	MOVQ ·sigExitStack(SB), CX
	MOVQ UC_RIP(DX), AX

inguard:
	// CX is the exit code to report (ExitTrap | code<<8).
	MOVQ VMExec(R10), R10
	MOVQ CX, ExecExitCode(R10)
	MOVQ AX, ExecTrapPC(R10)
	MOVQ UC_RBP(DX), CX
	MOVQ CX, ExecFrameBP(R10)
	LEAQ ·sigLanding(SB), CX
	MOVQ CX, UC_RIP(DX)
	LOCK
	INCQ ·sigFaultTraps(SB)
	LOCK
	DECQ ·sigActive(SB)
	RET

chain:
	LOCK
	DECQ ·sigActive(SB)
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
