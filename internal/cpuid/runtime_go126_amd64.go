//go:build amd64 && go1.26 && !go1.27

package cpuid

import "unsafe"

// The Go runtime has run CPUID already, before any package was
// initialised: its internal/cpu.X86 holds what it found. Under a
// hypervisor every CPUID exits to the host (about 10 us each on the VM of
// 2026-12-06 at 23:40: detect's four were 41 us of lucet-run hello.so's
// start, perf record -e cpu-clock over 300 runs), so reading the
// runtime's answer instead is most of the cost of knowing the features.
//
// internal/cpu marks X86 with //go:linkname for assembly in other
// packages, which lets runtimeX86 take its address. Its layout is Go
// 1.26's (this file builds with Go 1.26 only; other versions detect with
// CPUID), and TestRuntimeX86Layout compares goX86 with the struct in
// $GOROOT/src/internal/cpu/cpu.go field by field.

// runtimeX86 returns the address of internal/cpu.X86.
func runtimeX86() unsafe.Pointer

// goX86 is Go 1.26's internal/cpu.X86 (CacheLinePad is 64 bytes on amd64).
type goX86 struct {
	_                   [64]byte
	HasAES              bool
	HasADX              bool
	HasAVX              bool
	HasAVXVNNI          bool
	HasAVX2             bool
	HasAVX512           bool
	HasAVX512F          bool
	HasAVX512CD         bool
	HasAVX512BW         bool
	HasAVX512DQ         bool
	HasAVX512VL         bool
	HasAVX512GFNI       bool
	HasAVX512VAES       bool
	HasAVX512VNNI       bool
	HasAVX512VBMI       bool
	HasAVX512VBMI2      bool
	HasAVX512BITALG     bool
	HasAVX512VPOPCNTDQ  bool
	HasAVX512VPCLMULQDQ bool
	HasBMI1             bool
	HasBMI2             bool
	HasERMS             bool
	HasFSRM             bool
	HasFMA              bool
	HasGFNI             bool
	HasOSXSAVE          bool
	HasPCLMULQDQ        bool
	HasPOPCNT           bool
	HasRDTSCP           bool
	HasSHA              bool
	HasSSE3             bool
	HasSSSE3            bool
	HasSSE41            bool
	HasSSE42            bool
	HasVAES             bool
	_                   [64]byte
}

// fromRuntime returns the runtime's view of the features but LZCNT
// (internal/cpu does not record it), and true. The runtime applied the
// GODEBUG of the process's start, which can only turn features off
// (cpu.x=on enables nothing the CPU lacks): a feature it reports is one
// the CPU and the operating system have; one it does not report may
// still be there.
func fromRuntime() (Features, bool) {
	x := (*goX86)(runtimeX86())
	return Features{
		SSSE3: x.HasSSSE3, SSE41: x.HasSSE41, SSE42: x.HasSSE42, POPCNT: x.HasPOPCNT,
		BMI1: x.HasBMI1, BMI2: x.HasBMI2, AVX: x.HasAVX, AVX2: x.HasAVX2,
		ERMS: x.HasERMS, SHA: x.HasSHA,
	}, true
}
