package wasmgen

import (
	"math"
	"testing"
)

// TestHostCall: NaN arguments hash alike whatever their bits (the spec
// leaves them open, so engines may pass different ones), i32 and f32
// arguments by their low 32 bits only, and a t import traps for some
// arguments and not for others.
func TestHostCall(t *testing.T) {
	f := Func{Name: "h0", Params: []byte{F32, F64, I32}, Results: []byte{I32, I64, F32, F64}}
	a, err := HostCall(f, []uint64{0x7fc00000, 0x7ff8000000000000, 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HostCall(f, []uint64{0xdeadbeefffc00001, 0xfff0000000000001, 0xffffffff00000005}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("result %d: %#x with canonical NaNs, %#x with others", i, a[i], b[i])
		}
	}
	c, _ := HostCall(f, []uint64{uint64(math.Float32bits(1)), 0, 5}, nil)
	if c[1] == a[1] {
		t.Errorf("results do not depend on the arguments: %#x", c)
	}
	tf := Func{Name: "t1", Params: []byte{I32}, Results: []byte{I32}}
	traps := 0
	for i := uint64(0); i < 400; i++ {
		if _, err := HostCall(tf, []uint64{i}, nil); err == ErrHostTrap {
			traps++
		}
	}
	if traps < 40 || traps > 200 {
		t.Errorf("t1 trapped %d times in 400 calls, want about 100", traps)
	}
}
