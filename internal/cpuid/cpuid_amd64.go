package cpuid

// cpuid executes CPUID with EAX=eaxArg and ECX=ecxArg.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads XCR0 (XGETBV with ECX=0); only call it when CPUID says
// OSXSAVE.
func xgetbv() (eax, edx uint32)

// cpuidFn is what detect executes CPUID through, so that a test can count
// the instructions (a function value: static data, no init code).
var cpuidFn = cpuid

// detect reads the features with four CPUIDs, each an exit to the host
// under a hypervisor (~5 us on the VM measured), so no leaf is asked for
// that the answer does not need.
func detect() Features {
	cpuid := cpuidFn
	var f Features
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 1 {
		return f
	}
	_, _, ecx1, _ := cpuid(1, 0)
	has := func(r uint32, bit uint) bool { return r&(1<<bit) != 0 }
	f.SSSE3 = has(ecx1, 9)
	f.SSE41 = has(ecx1, 19)
	f.SSE42 = has(ecx1, 20)
	f.POPCNT = has(ecx1, 23)
	// AVX state is usable only when the OS enabled XSAVE (OSXSAVE) and
	// saves both the XMM and the YMM halves (XCR0 bits 1 and 2).
	osAVX := false
	if has(ecx1, 27) {
		xcr0, _ := xgetbv()
		osAVX = xcr0&6 == 6
	}
	f.AVX = has(ecx1, 28) && osAVX
	if maxID >= 7 {
		_, ebx7, _, _ := cpuid(7, 0)
		f.BMI1 = has(ebx7, 3)
		f.AVX2 = has(ebx7, 5) && osAVX
		f.BMI2 = has(ebx7, 8)
		f.ERMS = has(ebx7, 9)
		f.SHA = has(ebx7, 29)
	}
	f.LZCNT = detectLZCNT()
	return f
}

// detectLZCNT reads LZCNT (ABM) with one CPUID. Every x86-64 CPU has
// extended leaf 0x80000001 (its long-mode bit is how a 64-bit CPU is
// recognised), so there is no need to ask leaf 0x80000000 for the highest
// extended leaf first.
func detectLZCNT() bool {
	_, _, ecx81, _ := cpuidFn(0x80000001, 0)
	return ecx81&(1<<5) != 0
}
