package cpuid

import (
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// What the runtime reports is what CPUID says, but for what GODEBUG turned
// off at the process's start; with no cpu option in GODEBUG, exactly.
func TestFromRuntimeMatchesCPUID(t *testing.T) {
	rt, ok := fromRuntime()
	if !ok {
		t.Skip("no view of the runtime's detection here")
	}
	hw := detect()
	hw.LZCNT = false
	if !strings.Contains(os.Getenv("GODEBUG"), "cpu.") && rt != hw {
		t.Errorf("runtime's view %+v, CPUID's %+v", rt, hw)
	}
	rv, hv := reflect.ValueOf(rt), reflect.ValueOf(hw)
	for i := range rv.NumField() {
		if rv.Field(i).Bool() && !hv.Field(i).Bool() {
			t.Errorf("%s: the runtime reports it, CPUID does not", rv.Type().Field(i).Name)
		}
	}
}

// Where the runtime reports every feature but LZCNT, the base answers run
// no CPUID, and Hardware and X86 ask only for LZCNT, once, and still get
// detect's answer. Elsewhere the base answers are detect's.
func TestBaseRunsNoCPUID(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("CPUID: x86-64 only")
	}
	want := detect()
	var leaves []uint32
	cpuidFn = func(eax, ecx uint32) (uint32, uint32, uint32, uint32) {
		leaves = append(leaves, eax)
		return cpuid(eax, ecx)
	}
	defer func() { cpuidFn = cpuid }()
	b := detectBase()
	fast := !b.lzcnt
	if rt, ok := fromRuntime(); fast != (ok && rt.required() == allBase) {
		t.Errorf("fast path %v with the runtime's view %+v (available %v)", fast, rt, ok)
	}
	wantBase := want
	wantBase.LZCNT = false
	if got := b.f; got != wantBase && !(b.lzcnt && got == want) {
		t.Errorf("base %+v, want %+v", got, wantBase)
	}
	if fast && len(leaves) != 0 {
		t.Errorf("base detection ran CPUID %d times (leaves %#x), want none", len(leaves), leaves)
	}
	if !fast {
		t.Logf("no view of the runtime's detection, or it lacks a feature: the base detection is detect's (%d CPUIDs)", len(leaves))
	}
	leaves = nil
	if got := hardware.New(); got != want {
		t.Errorf("Hardware's detection %+v, want %+v", got, want)
	}
	if fast && (len(leaves) != 1 || leaves[0] != 0x80000001) {
		t.Errorf("Hardware after the base ran CPUID leaves %#x, want only 0x80000001", leaves)
	}
	if got, want := featuresBase.New(), withGODEBUG(wantBase, os.Getenv("GODEBUG")); got != want {
		t.Errorf("X86Base %+v, want %+v", got, want)
	}
}
