// Package startstack grows the main goroutine's stack to 16 KiB before
// the packages that need it are initialised. A command imports it (blank
// import) for that effect alone.
//
// Why: the main goroutine starts with a 2 KiB stack and doubles it each
// time a call goes deeper. Each doubling copies the frames on the stack,
// reading every frame's stack maps (its function's pclntab and funcdata,
// pages touched for nothing else); lucet-run hello.so grew it three times,
// with 8, 12 and 11 frames on it (in internal/godebug's and urfave/cli's
// package initialisation, and in load.parse). On the VM this runs on, the
// first touch of a page costs 6-45 us: growing once here, with two frames
// on the stack, touched 16 pages fewer in load alone (scripts/startpages.sh).
//
// It has no imports, so it is initialised as soon as Go's initialisation
// order (dependencies first, then by import path) allows: right after the
// runtime and the few standard packages whose paths sort before
// "github.com". Should that change, it only grows the stack later.
package startstack

func init() { grow() }

// grow needs a frame larger than 8 KiB: the stack doubles to 16 KiB to
// hold it, which is as deep as lucet-run goes.
//
//go:noinline
func grow() {
	var b [10 << 10]byte
	sink = b[sink]
}

var sink byte
