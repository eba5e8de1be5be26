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

#define VMStackLimit 0x10
#define VMInterrupt 0x18
#define VMExec 0x20
#define ExecGoSP 0x00
#define ExecGoBP 0x08
#define ExecExitCode 0x10
#define ExecTrapPC 0x18
#define ExecFrameBP 0x20
#define ExecResumePC 0x28
#define ExecResumeSP 0x30
#define ExecHostArgs 0x38
#define ExecExitVMCtx 0x40
#define ExecStackTop 0x48
// ExitInterrupt with arg 1: an injected preemption (preemptExit in store.go).
#define ExitPreempt 0x104

// Guest stack sigPreempt may use below the interrupted RSP: the return
// address, BP, flags, 14 GPRs, alignment, 16 YMM registers and 7 exit
// fields (727 bytes).
#define PreemptFrame 768

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
//   - SIGURG (Go's preemption signal, also sent by Store.Kill and timeouts)
//     with RIP in registered guest code: set the interrupt word of the
//     vmctx in R15, and where it is safe make the thread call sigPreempt
//     on return from the handler (push RIP on the guest stack, RIP =
//     sigPreempt), which exits to Go as an interrupt check would and
//     resumes exactly where the guest was; then let Go's handler run as
//     usual (it declines to preempt non-Go code, and sigPreempt is
//     assembly, which Go never preempts asynchronously).
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
	CMPL DI, $SIGURG
	JNE counted
	LOCK
	INCQ ·sigStatURG(SB)
counted:
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
	LEAQ 0(R10)(R10*2), R11
	SHLQ $3, R11
	ADDQ R9, R11 // &entry[mid] - 8 (entries are start, end, safe)
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
	// The word, then the raised stack limit that prologues check
	// (abi.StackLimitInterrupt); x86 keeps the two stores in order.
	MOVL $1, VMInterrupt(R10)
	MOVQ $-1, VMStackLimit(R10)
	LOCK
	INCQ ·sigStatURGGuest(SB)
	// Inject a call of sigPreempt when RIP is in the module's functions
	// (at or past safe: not in a routine or stub that switches stacks)
	// and its frame fits in the accessible guest stack below RSP and
	// within this call's part of it (which also rules out any moment
	// when RSP is Go's). Otherwise the interrupt word set above is seen
	// at the next function entry, and the next SIGURG tries again. The
	// word stays set either way: code that polls it (hand-written
	// guests) sees every SIGURG as before.
	CMPQ AX, 24(R11)
	JB nosafe
	MOVQ VMExec(R10), R9
	MOVQ UC_RSP(DX), CX
	CMPQ CX, ExecStackTop(R9)
	JA abovetop
	SUBQ $PreemptFrame, CX
	JCS noroom
	CMPQ CX, ExecStackLow(R9)
	JB pgrow
inject:
	MOVQ UC_RSP(DX), CX
	SUBQ $8, CX
	MOVQ AX, 0(CX) // the return address sigPreempt returns to
	MOVQ CX, UC_RSP(DX)
	LEAQ ·sigPreempt(SB), CX
	MOVQ CX, UC_RIP(DX)
	LOCK
	INCQ ·sigPreempts(SB)
	JMP chain
pgrow:
	// sigPreempt's frame would reach below the accessible part of the
	// stack: make it accessible as a fault there would (growth
	// granularity, never into the guard page), then inject. Refusing
	// instead would leave a loop that happens to run there unstoppable.
	CMPQ CX, ExecStackGuardHi(R9)
	JB noroom
	ANDQ StackGrowMask, CX
	CMPQ CX, ExecStackGuardHi(R9)
	JAE pgrowok
	MOVQ ExecStackGuardHi(R9), CX
pgrowok:
	// SYSCALL clobbers AX, CX and R11; SI and DX are Go's handler's
	// arguments, DI is SIGURG again after it.
	PUSHQ SI
	PUSHQ DX
	MOVQ CX, R10 // the new low
	MOVQ CX, DI
	MOVQ ExecStackLow(R9), SI
	SUBQ CX, SI
	MOVL $3, DX  // PROT_READ|PROT_WRITE
	MOVL $10, AX // SYS_mprotect
	SYSCALL
	POPQ DX
	POPQ SI
	MOVL $SIGURG, DI
	CMPQ AX, $-4095
	JAE noroom
	MOVQ R10, ExecStackLow(R9)
	MOVQ UC_RIP(DX), AX
	JMP inject
// Refusals, counted by reason (sigStats) for tests and state dumps.
nosafe:
	LOCK
	INCQ ·sigStatNoSafe(SB)
	JMP chain
abovetop:
	LOCK
	INCQ ·sigStatAboveTop(SB)
	JMP chain
noroom:
	LOCK
	INCQ ·sigStatNoRoom(SB)
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

// sigPreempt is where the handler makes a guest thread go when it injects
// a preemption: [SP] is the interrupted PC, every register is the
// guest's. It saves flags, the general registers and all of X0-X15 (all
// of Y0-Y15 when sigSaveYMM) on the guest stack in a frame linked into
// the guest's frame-pointer chain, takes an ExitInterrupt exit (TrapPC = the interrupted PC, so a trap
// names the function that was running), and when resumed
// (sigPreemptResume) restores everything and returns to the interrupted
// PC. Generated code keeps nothing below RSP, so the pushes clobber
// nothing.
TEXT ·sigPreempt(SB), NOSPLIT|NOFRAME, $0
	// Pushes written as moves (the assembler wants PUSH/POP balanced),
	// and SP moved with LEAQ, which leaves the guest's flags alone until
	// they are saved.
	LEAQ -8(SP), SP
	MOVQ BP, 0(SP)
	MOVQ SP, BP
	LEAQ -120(SP), SP
	MOVQ AX, -16(BP)
	MOVQ CX, -24(BP)
	MOVQ DX, -32(BP)
	MOVQ BX, -40(BP)
	MOVQ SI, -48(BP)
	MOVQ DI, -56(BP)
	MOVQ R8, -64(BP)
	MOVQ R9, -72(BP)
	MOVQ R10, -80(BP)
	MOVQ R11, -88(BP)
	MOVQ R12, -96(BP)
	MOVQ R13, -104(BP)
	MOVQ R14, -112(BP)
	MOVQ R15, -120(BP)
	PUSHFQ
	POPQ AX
	MOVQ AX, -8(BP)
	ANDQ $-16, SP
	SUBQ $512, SP
	CMPB ·sigSaveYMM(SB), $0
	JEQ savexmm
	VMOVDQU Y0, 0(SP)
	VMOVDQU Y1, 32(SP)
	VMOVDQU Y2, 64(SP)
	VMOVDQU Y3, 96(SP)
	VMOVDQU Y4, 128(SP)
	VMOVDQU Y5, 160(SP)
	VMOVDQU Y6, 192(SP)
	VMOVDQU Y7, 224(SP)
	VMOVDQU Y8, 256(SP)
	VMOVDQU Y9, 288(SP)
	VMOVDQU Y10, 320(SP)
	VMOVDQU Y11, 352(SP)
	VMOVDQU Y12, 384(SP)
	VMOVDQU Y13, 416(SP)
	VMOVDQU Y14, 448(SP)
	VMOVDQU Y15, 480(SP)
	// Go's code runs next: leave it no dirty upper halves (an SSE/AVX
	// state transition on older Intel cores).
	VZEROUPPER
	JMP saved
savexmm:
	MOVUPS X0, 0(SP)
	MOVUPS X1, 16(SP)
	MOVUPS X2, 32(SP)
	MOVUPS X3, 48(SP)
	MOVUPS X4, 64(SP)
	MOVUPS X5, 80(SP)
	MOVUPS X6, 96(SP)
	MOVUPS X7, 112(SP)
	MOVUPS X8, 128(SP)
	MOVUPS X9, 144(SP)
	MOVUPS X10, 160(SP)
	MOVUPS X11, 176(SP)
	MOVUPS X12, 192(SP)
	MOVUPS X13, 208(SP)
	MOVUPS X14, 224(SP)
	MOVUPS X15, 240(SP)
saved:
	// The exit sequence of pkg/abi, as the generated exit routine does it,
	// after saving the exit fields it overwrites: if the guest was itself
	// in the middle of filling them in, it finds them as it left them.
	MOVQ VMExec(R15), R11
	SUBQ $64, SP
	MOVQ ExecExitCode(R11), AX
	MOVQ AX, 0(SP)
	MOVQ ExecHostArgs(R11), AX
	MOVQ AX, 8(SP)
	MOVQ ExecTrapPC(R11), AX
	MOVQ AX, 16(SP)
	MOVQ ExecResumePC(R11), AX
	MOVQ AX, 24(SP)
	MOVQ ExecResumeSP(R11), AX
	MOVQ AX, 32(SP)
	MOVQ ExecFrameBP(R11), AX
	MOVQ AX, 40(SP)
	MOVQ ExecExitVMCtx(R11), AX
	MOVQ AX, 48(SP)
	MOVQ $ExitPreempt, ExecExitCode(R11)
	MOVQ $0, ExecHostArgs(R11)
	MOVQ 8(BP), AX
	MOVQ AX, ExecTrapPC(R11)
	LEAQ ·sigPreemptResume(SB), AX
	MOVQ AX, ExecResumePC(R11)
	MOVQ SP, ExecResumeSP(R11)
	MOVQ BP, ExecFrameBP(R11)
	MOVQ R15, ExecExitVMCtx(R11)
	MOVQ ExecGoSP(R11), SP
	MOVQ ExecGoBP(R11), BP
	RET

// sigPreemptResume is sigPreempt's resume PC: resume has set SP, BP and
// R15 back to what sigPreempt exited with.
TEXT ·sigPreemptResume(SB), NOSPLIT|NOFRAME, $0
	MOVQ VMExec(R15), R11
	MOVQ 0(SP), AX
	MOVQ AX, ExecExitCode(R11)
	MOVQ 8(SP), AX
	MOVQ AX, ExecHostArgs(R11)
	MOVQ 16(SP), AX
	MOVQ AX, ExecTrapPC(R11)
	MOVQ 24(SP), AX
	MOVQ AX, ExecResumePC(R11)
	MOVQ 32(SP), AX
	MOVQ AX, ExecResumeSP(R11)
	MOVQ 40(SP), AX
	MOVQ AX, ExecFrameBP(R11)
	MOVQ 48(SP), AX
	MOVQ AX, ExecExitVMCtx(R11)
	ADDQ $64, SP
	CMPB ·sigSaveYMM(SB), $0
	JEQ restxmm
	VMOVDQU 0(SP), Y0
	VMOVDQU 32(SP), Y1
	VMOVDQU 64(SP), Y2
	VMOVDQU 96(SP), Y3
	VMOVDQU 128(SP), Y4
	VMOVDQU 160(SP), Y5
	VMOVDQU 192(SP), Y6
	VMOVDQU 224(SP), Y7
	VMOVDQU 256(SP), Y8
	VMOVDQU 288(SP), Y9
	VMOVDQU 320(SP), Y10
	VMOVDQU 352(SP), Y11
	VMOVDQU 384(SP), Y12
	VMOVDQU 416(SP), Y13
	VMOVDQU 448(SP), Y14
	VMOVDQU 480(SP), Y15
	// Restoring with 256-bit moves leaves the upper state dirty, and on
	// AMD Zen and Intel cores every legacy-SSE instruction the guest runs
	// after that pays for merging the upper halves (matmul_simd ran 1.6x
	// slower after its first preemption). Unless some upper half holds
	// data (a preemption inside memory.copy's AVX rounds), clear them:
	// vzeroupper keeps the xmm halves. AX and the flags are the guest's
	// again below.
	MOVQ 16(SP), AX
	ORQ 24(SP), AX
	ORQ 48(SP), AX
	ORQ 56(SP), AX
	ORQ 80(SP), AX
	ORQ 88(SP), AX
	ORQ 112(SP), AX
	ORQ 120(SP), AX
	ORQ 144(SP), AX
	ORQ 152(SP), AX
	ORQ 176(SP), AX
	ORQ 184(SP), AX
	ORQ 208(SP), AX
	ORQ 216(SP), AX
	ORQ 240(SP), AX
	ORQ 248(SP), AX
	ORQ 272(SP), AX
	ORQ 280(SP), AX
	ORQ 304(SP), AX
	ORQ 312(SP), AX
	ORQ 336(SP), AX
	ORQ 344(SP), AX
	ORQ 368(SP), AX
	ORQ 376(SP), AX
	ORQ 400(SP), AX
	ORQ 408(SP), AX
	ORQ 432(SP), AX
	ORQ 440(SP), AX
	ORQ 464(SP), AX
	ORQ 472(SP), AX
	ORQ 496(SP), AX
	ORQ 504(SP), AX
	JNE restored
	VZEROUPPER
	INCQ ·sigCleanResumes(SB)
	JMP restored
restxmm:
	MOVUPS 0(SP), X0
	MOVUPS 16(SP), X1
	MOVUPS 32(SP), X2
	MOVUPS 48(SP), X3
	MOVUPS 64(SP), X4
	MOVUPS 80(SP), X5
	MOVUPS 96(SP), X6
	MOVUPS 112(SP), X7
	MOVUPS 128(SP), X8
	MOVUPS 144(SP), X9
	MOVUPS 160(SP), X10
	MOVUPS 176(SP), X11
	MOVUPS 192(SP), X12
	MOVUPS 208(SP), X13
	MOVUPS 224(SP), X14
	MOVUPS 240(SP), X15
restored:
	MOVQ -8(BP), AX
	PUSHQ AX
	POPFQ
	MOVQ -120(BP), R15
	MOVQ -112(BP), R14
	MOVQ -104(BP), R13
	MOVQ -96(BP), R12
	MOVQ -88(BP), R11
	MOVQ -80(BP), R10
	MOVQ -72(BP), R9
	MOVQ -64(BP), R8
	MOVQ -56(BP), DI
	MOVQ -48(BP), SI
	MOVQ -40(BP), BX
	MOVQ -32(BP), DX
	MOVQ -24(BP), CX
	MOVQ -16(BP), AX
	MOVQ BP, SP
	MOVQ 0(SP), BP
	LEAQ 8(SP), SP // not ADDQ: the flags are the guest's again
	RET

// func sigHandlerAddr() uintptr
TEXT ·sigHandlerAddr(SB), NOSPLIT, $0-8
	LEAQ ·sigHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET
