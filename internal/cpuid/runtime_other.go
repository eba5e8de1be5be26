//go:build !amd64 || !go1.26 || go1.27

package cpuid

// fromRuntime has no view of the runtime's detection on this architecture
// or Go version (see runtime_go126_amd64.go): detect asks the CPU.
func fromRuntime() (Features, bool) { return Features{}, false }
