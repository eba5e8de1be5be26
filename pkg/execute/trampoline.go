package execute

// enter and resume are in trampoline_amd64.s; pkg/abi's package comment is
// their specification.

//go:noescape
func enter(exec, vmctx, entry, target, args uintptr)

//go:noescape
func resume(exec uintptr)
