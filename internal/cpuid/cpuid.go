// Package cpuid reports the x86-64 features that lucet's generated code,
// its loader and its CRC-32C depend on, found on first use: in the Go
// runtime's own detection where that answers (runtime_go126_amd64.go),
// else with CPUID.
//
// golang.org/x/sys/cpu reports the same, but detects everything at package
// initialisation and builds its table of GODEBUG option names there (10
// allocations, 5 KiB), in every program that links it: all of lucet's
// tools, whose start-up (lucet-run hello.so: a few milliseconds) should
// pay only for what runs. Here nothing happens until X86 is first called.
package cpuid

import (
	"os"
	"strings"

	"github.com/lucet-go/lucet/internal/lazy"
)

// Features are the x86-64 extensions lucet checks for. A field is true
// only when the CPU has the extension and, for AVX and AVX2, the
// operating system saves the YMM registers (XCR0), as golang.org/x/sys/cpu
// decides them.
type Features struct {
	SSSE3, SSE41, SSE42, POPCNT, LZCNT, BMI1, BMI2, AVX, AVX2 bool
	// ERMS (fast rep movsb/stosb) tunes code; nothing requires it.
	ERMS bool
	// SHA (the SHA extensions) speeds internal/sha256; nothing requires
	// it either.
	SHA bool
}

// features is a composite literal: the linker lays it out, no init code.
// It starts from Hardware's detection rather than running its own: under
// a hypervisor every CPUID instruction exits to the host (about 5 us each
// on the VM this was measured on, 2026-12-06), and lucet-run hello.so asks
// for both, so detecting twice cost ~25 us of its start.
var features = lazy.Value[Features]{New: func() Features { return withGODEBUG(Hardware(), os.Getenv("GODEBUG")) }}

// withGODEBUG turns off the features godebug names as golang.org/x/sys/cpu
// does: GODEBUG=cpu.sse41=off (or cpu.all=off) makes this CPU look as if
// it lacked SSE4.1, which is how tests run code on a "CPU" without it.
// "on" enables nothing the CPU lacks.
func withGODEBUG(f Features, godebug string) Features {
	for _, kv := range strings.Split(godebug, ",") {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || val != "off" || !strings.HasPrefix(name, "cpu.") {
			continue
		}
		all := name == "cpu.all"
		for _, x := range []struct {
			name string
			has  *bool
		}{
			{"ssse3", &f.SSSE3}, {"sse41", &f.SSE41}, {"sse42", &f.SSE42}, {"popcnt", &f.POPCNT},
			{"lzcnt", &f.LZCNT}, {"bmi1", &f.BMI1}, {"bmi2", &f.BMI2}, {"avx", &f.AVX}, {"avx2", &f.AVX2},
			{"erms", &f.ERMS}, {"sha", &f.SHA},
		} {
			if all || name == "cpu."+x.name {
				*x.has = false
			}
		}
	}
	return f
}

// X86 returns this CPU's features (all false on other architectures).
// It is safe for concurrent use; after the first call it is one load.
func X86() Features { return features.Get() }

// X86Base is X86 with LZCNT false, for callers that do not ask about
// LZCNT (the CRC, a module that does not need it): when the Go runtime's
// own detection reports every other feature here, knowing them runs no
// CPUID at all, while LZCNT, which the runtime does not record, would
// take one (about 10 us under a hypervisor).
func X86Base() Features { return featuresBase.Get() }

var featuresBase = lazy.Value[Features]{New: func() Features { return withGODEBUG(HardwareBase(), os.Getenv("GODEBUG")) }}

// hardware is features without GODEBUG's overrides.
var hardware = lazy.Value[Features]{New: func() Features {
	b := hardwareBase.Get()
	if !b.lzcnt {
		b.f.LZCNT = detectLZCNT()
	}
	return b.f
}}

// Hardware returns what this CPU and its operating system support,
// ignoring GODEBUG: what code may actually be using, as opposed to what
// lucet is allowed to use (X86). The runtime saves the YMM registers of an
// interrupted guest when Hardware().AVX, whatever GODEBUG says.
func Hardware() Features { return hardware.Get() }

// HardwareBase is Hardware with LZCNT false (see X86Base).
func HardwareBase() Features {
	f := hardwareBase.Get().f
	f.LZCNT = false
	return f
}

// required is f without the features that only tune (ERMS, SHA).
func (f Features) required() Features { f.ERMS, f.SHA = false, false; return f }

// base is Hardware's answer but for LZCNT, which lzcnt says is known
// too (detect ran).
type base struct {
	f     Features
	lzcnt bool
}

var hardwareBase = lazy.Value[base]{New: detectBase}

// allBase is every feature but LZCNT.
var allBase = Features{SSSE3: true, SSE41: true, SSE42: true, POPCNT: true, BMI1: true, BMI2: true, AVX: true, AVX2: true}

// detectBase takes the runtime's detection when it reports every feature
// but LZCNT: each is then one the CPU (and for AVX the operating system)
// has, whatever GODEBUG turned off for the runtime at start, and the
// answer is the hardware's. A feature the runtime does not report may
// be missing or only turned off, which only CPUID tells apart: detect.
func detectBase() base {
	// ERMS and SHA are taken as the runtime reports them either way:
	// they only tune.
	if f, ok := fromRuntime(); ok && f.required() == allBase {
		return base{f: f}
	}
	return base{f: detect(), lzcnt: true}
}
