#include "textflag.h"

// Offsets mirror pkg/abi; abi_test.go checks they agree.
#define ExecGoSP 0x00
#define ExecGoBP 0x08
#define ExecExitCode 0x10
#define ExecFrameBP 0x20
#define ExecResumePC 0x28
#define ExecResumeSP 0x30
#define ExecExitVMCtx 0x40
#define ExecStackTop 0x48
#define VMExec 0x20

// func enter(exec, vmctx, entry, target, args uintptr)
//
// Switches to the guest stack and calls the entry stub. Generated code leaves
// either by returning here (ExitReturn) or by the exit sequence
// (mov rsp,[exec+GoSP]; mov rbp,[exec+GoBP]; ret), which returns straight to
// our Go caller because GoSP points at our return address. NOFRAME keeps it
// that way: SP at entry is exactly the slot holding the return address.
TEXT ·enter(SB), NOSPLIT|NOFRAME, $0-40
	MOVQ exec+0(FP), AX
	MOVQ vmctx+8(FP), R15
	MOVQ entry+16(FP), R11
	MOVQ target+24(FP), R12
	MOVQ args+32(FP), R13
	MOVQ SP, ExecGoSP(AX)
	MOVQ BP, ExecGoBP(AX)
	MOVQ ExecStackTop(AX), SP
	XORL BP, BP
	CALL R11
	// The entry stub returned: R15 is the vmctx we entered with (pinned).
	// Reload exec from it, since every other register is clobbered and the
	// Go SP may have been re-captured by resume in between.
	MOVQ VMExec(R15), AX
	MOVQ $0, ExecExitCode(AX)
	MOVQ ExecGoSP(AX), SP
	MOVQ ExecGoBP(AX), BP
	RET

// func resume(exec uintptr)
//
// Continues a guest that exited for a host call, builtin or interrupt. The
// next exit (or the entry stub's return into enter) returns from resume.
// BP is set before SP: after SP moves, FP-relative operands would be wrong,
// and we read nothing after that.
TEXT ·resume(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ exec+0(FP), AX
	MOVQ SP, ExecGoSP(AX)
	MOVQ BP, ExecGoBP(AX)
	MOVQ ExecExitVMCtx(AX), R15
	MOVQ ExecResumePC(AX), R11
	MOVQ ExecFrameBP(AX), BP
	MOVQ ExecResumeSP(AX), SP
	JMP R11
