package execute

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
)

// Every constant the assembly #defines for itself agrees with the Go
// definition it mirrors (pkg/abi's layouts, this package's private words,
// the kernel's amd64 signal frame), and every #define is checked: a layout
// changed on one side only would make the signal handler or the
// trampolines read the wrong word, which no other test would pin down.
func TestSignalAsmOffsets(t *testing.T) {
	// The kernel's amd64 ucontext: uc_mcontext.gregs starts at 40, in the
	// order of <sys/ucontext.h>'s REG_* (R15 is 7, RBP 10, RSP 15, RIP
	// 16); siginfo has si_code at 8 and a fault's si_addr at 16.
	greg := func(i int64) int64 { return 40 + 8*i }
	want := map[string]int64{
		"UC_R15": greg(7), "UC_RBP": greg(10), "UC_RSP": greg(15), "UC_RIP": greg(16),
		"SI_CODE": 8, "SI_ADDR": 16,
		"SIGBUS": int64(unix.SIGBUS), "SIGSEGV": int64(unix.SIGSEGV), "SIGURG": int64(unix.SIGURG),
		"VMInterrupt": abi.VMInterrupt, "VMStackLimit": abi.VMStackLimit, "VMExec": abi.VMExec,
		"ExecGoSP": abi.ExecGoSP, "ExecGoBP": abi.ExecGoBP, "ExecExitCode": abi.ExecExitCode,
		"ExecTrapPC": abi.ExecTrapPC, "ExecFrameBP": abi.ExecFrameBP, "ExecResumePC": abi.ExecResumePC,
		"ExecResumeSP": abi.ExecResumeSP, "ExecHostArgs": abi.ExecHostArgs, "ExecExitVMCtx": abi.ExecExitVMCtx,
		"ExecStackTop": abi.ExecStackTop,
		"ExitPreempt":  int64(abi.ExitInterrupt) | preemptExit<<8,
		"VMGuardLo":    vmGuardLo, "VMGuardHi": vmGuardHi,
		"ExecStackGuardLo": execStackGuardLo, "ExecStackGuardHi": execStackGuardHi, "ExecStackLow": execStackLow,
		"StackGrowMask": ^int64(stackGrow - 1),
		// sigPreempt's frame: return address, BP, flags, 14 GPRs, up to
		// 15 bytes of alignment, 16 YMM registers, 8 exit words.
		"PreemptFrame": 768,
	}
	if need := int64(8 + 8 + 8 + 14*8 + 15 + 16*32 + 8*8); want["PreemptFrame"] < need {
		t.Errorf("PreemptFrame %d is less than sigPreempt's %d bytes", want["PreemptFrame"], need)
	}
	for _, file := range []string{"signal_amd64.s", "trampoline_amd64.s"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, line := range strings.Split(string(b), "\n") {
				f := strings.Fields(line)
				if len(f) < 2 || f[0] != "#define" {
					continue
				}
				n++
				w, ok := want[f[1]]
				if !ok {
					t.Errorf("#define %s: no Go definition to check it against (add it to this test)", f[1])
					continue
				}
				if len(f) != 3 {
					t.Errorf("#define %s: %q is not a single value", f[1], line)
					continue
				}
				v := strings.TrimPrefix(f[2], "$")
				neg := strings.HasPrefix(v, "~")
				got, err := strconv.ParseInt(strings.TrimPrefix(v, "~"), 0, 64)
				if err != nil {
					t.Errorf("#define %s %s: %v", f[1], f[2], err)
					continue
				}
				if neg {
					got = ^got
				}
				if got != w {
					t.Errorf("#define %s is %#x, Go says %#x", f[1], got, w)
				}
			}
			if n == 0 {
				t.Errorf("no #define in %s", file)
			}
		})
	}
}
