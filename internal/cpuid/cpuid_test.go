package cpuid

import (
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/cpu"
)

// The package replaces golang.org/x/sys/cpu on lucet's start-up path, so
// it must decide every feature exactly as that package does.
func TestMatchesXSysCPU(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("x86-64 features: nothing to compare on " + runtime.GOARCH)
	}
	f := X86()
	for _, c := range []struct {
		name      string
		got, want bool
	}{
		{"SSSE3", f.SSSE3, cpu.X86.HasSSSE3},
		{"SSE4.1", f.SSE41, cpu.X86.HasSSE41},
		{"SSE4.2", f.SSE42, cpu.X86.HasSSE42},
		{"POPCNT", f.POPCNT, cpu.X86.HasPOPCNT},
		{"LZCNT", f.LZCNT, cpu.X86.HasLZCNT},
		{"BMI1", f.BMI1, cpu.X86.HasBMI1},
		{"BMI2", f.BMI2, cpu.X86.HasBMI2},
		{"AVX", f.AVX, cpu.X86.HasAVX},
		{"AVX2", f.AVX2, cpu.X86.HasAVX2},
	} {
		if c.got != c.want {
			t.Errorf("%s: cpuid says %v, golang.org/x/sys/cpu says %v", c.name, c.got, c.want)
		}
	}
}

// X86 is read on every module load and CRC; after the first call it must
// not allocate.
func TestX86NoAlloc(t *testing.T) {
	X86()
	if n := testing.AllocsPerRun(100, func() { _ = X86() }); n != 0 {
		t.Errorf("X86 allocates %v times per call", n)
	}
}

func TestGODEBUGTurnsOff(t *testing.T) {
	all := Features{true, true, true, true, true, true, true, true, true, true, true}
	for _, c := range []struct {
		godebug string
		want    Features
	}{
		{"", all},
		{"cpu.sse41=off", Features{SSSE3: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, BMI2: true, AVX: true, AVX2: true, ERMS: true, SHA: true}},
		{"madvdontneed=1,cpu.avx2=off,cpu.bmi2=off", Features{SSSE3: true, SSE41: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, AVX: true, ERMS: true, SHA: true}},
		{"cpu.erms=off", Features{SSSE3: true, SSE41: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, BMI2: true, AVX: true, AVX2: true, SHA: true}},
		{"cpu.sha=off", Features{SSSE3: true, SSE41: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, BMI2: true, AVX: true, AVX2: true, ERMS: true}},
		{"cpu.all=off", Features{}},
		{"cpu.sse41=on,cpu.avx=1,sse41=off", all},
	} {
		if got := withGODEBUG(all, c.godebug); got != c.want {
			t.Errorf("GODEBUG=%q: %+v, want %+v", c.godebug, got, c.want)
		}
	}
	if got := withGODEBUG(Features{}, "cpu.sse41=on"); got != (Features{}) {
		t.Errorf("cpu.sse41=on enabled a missing feature: %+v", got)
	}
}

// Under a hypervisor each CPUID is an exit to the host (~5 us on the VM of
// 2026-12-06, more than the rest of the detection): X86 starts from
// Hardware's detection instead of running its own, and a detection asks
// for four leaves.
func TestDetectionCPUIDCount(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("CPUID: x86-64 only")
	}
	want := Hardware()
	var leaves []uint32
	cpuidFn = func(eax, ecx uint32) (uint32, uint32, uint32, uint32) {
		leaves = append(leaves, eax)
		return cpuid(eax, ecx)
	}
	defer func() { cpuidFn = cpuid }()
	if got := features.New(); got != withGODEBUG(want, os.Getenv("GODEBUG")) {
		t.Errorf("X86's detection %+v, want Hardware %+v with GODEBUG", got, want)
	}
	if len(leaves) != 0 {
		t.Errorf("X86 ran CPUID %d times (leaves %#x) after Hardware had", len(leaves), leaves)
	}
	leaves = nil
	if got := detect(); got != want {
		t.Errorf("detection %+v, want %+v", got, want)
	}
	if len(leaves) > 4 {
		t.Errorf("detection runs CPUID %d times (leaves %#x), want at most 4", len(leaves), leaves)
	}
}
