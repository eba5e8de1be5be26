package execute

import (
	"math/bits"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// clobberRef is clobber of calleesaved.wat in Go.
func clobberRef(x uint32) uint32 {
	r := bits.RotateLeft32
	v := func(m, c uint32) uint32 { return x*m + c }
	return v(3, 1) ^ (r(v(5, 2), 1) + (r(v(7, 3), 2) ^ (r(v(11, 4), 3) + (r(v(13, 5), 4) ^ (r(v(17, 6), 5) +
		(r(v(19, 7), 6) ^ (r(v(23, 8), 7) + (r(v(29, 9), 8) ^ (r(v(31, 10), 9) + r(v(37, 11), 10))))))))))
}

// keepRef is keep of calleesaved.wat in Go, given what its call returned.
func keepRef(a, res uint32) uint32 {
	r := bits.RotateLeft32
	return res + ((a*41 + 1) ^ (r(a*43+2, 1) + (r(a^0x5555, 2) ^ (r(a*47+3, 3) + (r(r(a, 9), 4) ^ r(a*53+5, 5))))))
}

// spinRef is spin of calleesaved.wat in Go.
func spinRef(x, n uint32) uint32 {
	for {
		x = x*3 + n
		if n--; n == 0 {
			return clobberRef(x)
		}
	}
}

// Values a function keeps in the callee-saved registers (RBX, R12, R13)
// survive a call to a function that writes every register it may, a host
// call (Go clobbers every register, and the host calls back into the
// guest, whose entry sets R12 and R13), the same callee through the table,
// a loop preempted by injected exits, and a trap further down, after which
// the instance computes as before. At -O 1 and 2 keep holds three of its
// values in RBX, R12 and R13 and clobber writes all three (lucetc --emit
// asm); -O 0 keeps them out of those registers and must still agree.
func TestCalleeSavedAcrossExits(t *testing.T) {
	b, err := os.ReadFile("testdata/calleesaved.wasm")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		pid := unix.Getpid()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = unix.Kill(pid, unix.SIGURG)
			time.Sleep(50 * time.Microsecond)
		}
	}()
	defer func() { close(stop); <-done }()
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eachTier(t, m, func(opt int, bounds object.BoundsChecks, obj *object.Object, s *Store) {
		host := NewHostFunc(wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}},
			func(c *Caller, stack []uint64) error {
				res, err := c.Instance().Func("clobber").Call(stack[0])
				if err != nil {
					return err
				}
				stack[0] = uint64(uint32(res[0]) + 1)
				return nil
			})
		inst, err := s.InstantiateObject(obj, ImportMap{"env": {"host": host}})
		if err != nil {
			t.Fatal(err)
		}
		preempts := uint64(0)
		for _, a := range []uint32{0, 1, 0x1234, 0x9e3779b9, 0xffffffff} {
			for mode, want := range []uint32{clobberRef(a), clobberRef(a) + 1, clobberRef(a), spinRef(a, 3_000_000)} {
				before := Preemptions()
				res, err := inst.Func("keep").Call(uint64(a), uint64(mode), 3_000_000)
				if err != nil {
					t.Fatalf("-O%d %v: keep(%#x, %d): %v", opt, bounds, a, mode, err)
				}
				if got, want := uint32(res[0]), keepRef(a, want); got != want {
					t.Fatalf("-O%d %v: keep(%#x, %d) = %#x, want %#x", opt, bounds, a, mode, got, want)
				}
				if mode == 3 {
					preempts += Preemptions() - before
				}
			}
			if _, err := inst.Func("keep").Call(uint64(a), 4, 0); !IsTrap(err, abi.TrapUnreachable) {
				t.Fatalf("-O%d %v: keep(%#x, 4): got %v, want an unreachable trap", opt, bounds, a, err)
			}
		}
		// Not a failure: on a machine this slow or this fast no
		// signal may have landed in the loop, and the results were
		// right.
		if preempts == 0 {
			t.Logf("-O%d %v: no preemption landed in spin", opt, bounds)
		}
	})
}
