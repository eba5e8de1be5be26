package execute

import (
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/pkg/abi"
)

// bigFrames recurses n times in Go with 16 KiB frames (n+1 of them), then runs f: a
// host function whose own Go stack use is large.
//
//go:noinline
func bigFrames(n int, f func() error) error {
	var pad [2048]uint64
	pad[n%len(pad)] = uint64(n)
	if n == 0 {
		return f()
	}
	err := bigFrames(n-1, f)
	if pad[n%len(pad)] != uint64(n) {
		panic("frame overwritten")
	}
	return err
}

// A host function that calls back into the guest export that called it,
// without end, ends with TrapStackOverflow at whichever runs out first:
// the guest stack, MaxCallDepth, or the Go stack the nested calls use
// (without the last two the Go runtime's stack limit is a fatal error).
func TestUnboundedReentry(t *testing.T) {
	tests := []struct {
		name      string
		stackSize int
		goFrames  int // 16 KiB Go frames each host call adds
		wantDepth func(depth int) bool
		why       string
	}{
		{"guest stack", 0, 0, func(d int) bool { return d > 1000 && d < MaxCallDepth }, "the 1 MiB guest stack runs out first"},
		{"call depth", 256 << 20, 0, func(d int) bool { return d == MaxCallDepth }, "MaxCallDepth comes first"},
		{"go stack", 256 << 20, 1, func(d int) bool { return d > 1000 && d < MaxCallDepth }, "the Go stack budget comes first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var inst *Instance
			depth, maxDepth := 0, 0
			var maxGo uintptr
			_, inst = instantiateTest(t, Config{StackSize: tc.stackSize}, func(c *Caller, stack []uint64) error {
				depth++
				defer func() { depth-- }()
				maxDepth = max(maxDepth, depth)
				maxGo = max(maxGo, goStackUsed())
				again := func() error {
					_, err := inst.Func("callhost").Call(1)
					return err
				}
				if tc.goFrames == 0 {
					return again()
				}
				return bigFrames(tc.goFrames, again)
			})
			_, err := inst.Func("callhost").Call(1)
			if !IsTrap(err, abi.TrapStackOverflow) {
				t.Fatalf("got %v, want a stack overflow trap", err)
			}
			// Every guest call that was entered called the host once.
			if d := maxDepth; !tc.wantDepth(d) {
				t.Errorf("depth reached %d: want %s", d, tc.why)
			}
			if maxGo > maxGoStack+64<<10 {
				t.Errorf("Go stack reached %d bytes, past the %d budget", maxGo, maxGoStack)
			}
			if depth != 0 {
				t.Errorf("depth %d after the call", depth)
			}
			if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
				t.Errorf("add after the overflow = %v, %v", res, err)
			}
		})
	}
}

// goStackUsed reads the goroutine's stack bounds from g: a local variable
// lies between them, and the use it reports is about this frame's
// distance from the top.
func TestGoStackUsed(t *testing.T) {
	var local byte
	lo, hi := goStackBounds()
	p := uintptr(unsafe.Pointer(&local))
	if p < lo || p >= hi {
		t.Fatalf("local at %#x is outside the stack [%#x, %#x)", p, lo, hi)
	}
	used := goStackUsed()
	if used < hi-p || used > hi-lo {
		t.Errorf("goStackUsed = %d; the local is %d below the top of a %d-byte stack", used, hi-p, hi-lo)
	}
	before := goStackUsed()
	var deeper uintptr
	_ = bigFrames(4, func() error { deeper = goStackUsed(); return nil })
	if deeper < before+4*16<<10 {
		t.Errorf("goStackUsed %d under four 16 KiB frames, %d above them", deeper, before)
	}
}
