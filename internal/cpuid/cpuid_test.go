package cpuid

import (
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
	all := Features{true, true, true, true, true, true, true, true, true}
	for _, c := range []struct {
		godebug string
		want    Features
	}{
		{"", all},
		{"cpu.sse41=off", Features{SSSE3: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, BMI2: true, AVX: true, AVX2: true}},
		{"madvdontneed=1,cpu.avx2=off,cpu.bmi2=off", Features{SSSE3: true, SSE41: true, SSE42: true, POPCNT: true, LZCNT: true, BMI1: true, AVX: true}},
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
