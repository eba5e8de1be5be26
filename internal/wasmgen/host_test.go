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

// TestHostCallV128: a v128 takes two slots, both halves hashed, the
// slots after it read in place, and a v128 result fills two slots.
func TestHostCallV128(t *testing.T) {
	f := Func{Name: "h0", Params: []byte{V128, I32}, Results: []byte{V128, I64}}
	a, err := HostCall(f, []uint64{1, 2, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 {
		t.Fatalf("%d result slots, want 3", len(a))
	}
	for i, args := range [][]uint64{{1, 9, 3}, {9, 2, 3}, {1, 2, 9}} {
		b, _ := HostCall(f, args, nil)
		if b[2] == a[2] {
			t.Errorf("args %d: the result does not depend on slot %d", i, []int{1, 0, 2}[i])
		}
	}
	if a[0] == a[1] {
		t.Errorf("a v128 result's halves alike: %#x", a[0])
	}
}

// TestHostCallRefs: references hash by whether they are null (engines'
// non-null values differ), and reference results are null.
func TestHostCallRefs(t *testing.T) {
	f := Func{Name: "h0", Params: []byte{FuncRef, ExternRef}, Results: []byte{I64, FuncRef}}
	a, _ := HostCall(f, []uint64{0x7f0012345678, 0}, nil)
	b, _ := HostCall(f, []uint64{0x7f00abcdef00, 0}, nil)
	c, _ := HostCall(f, []uint64{0, 0}, nil)
	if a[0] != b[0] {
		t.Errorf("two non-null funcrefs hash apart: %#x, %#x", a[0], b[0])
	}
	if a[0] == c[0] {
		t.Errorf("a null and a non-null funcref hash alike: %#x", a[0])
	}
	if a[1] != 0 {
		t.Errorf("funcref result %#x, want null", a[1])
	}
}

// TestHostCallExtern: externrefs hash by their ids (ExternID's), and
// externref results are ids, null about one time in four, some of them
// wider than 32 bits.
func TestHostCallExtern(t *testing.T) {
	f := Func{Name: "h0", Params: []byte{ExternRef, I32}, Results: []byte{ExternRef, I64}}
	a, _ := HostCall(f, []uint64{0x1234567800000001, 5}, nil)
	b, _ := HostCall(f, []uint64{0x1234567900000001, 5}, nil)
	if a[1] == b[1] {
		t.Errorf("two externref ids hash alike: %#x", a[1])
	}
	nulls, wide := 0, 0
	for i := uint64(0); i < 400; i++ {
		r, _ := HostCall(f, []uint64{i, 0}, nil)
		if r[0] == 0 {
			nulls++
		}
		if r[0] > 0xffffffff {
			wide++
		}
	}
	if nulls < 40 || nulls > 200 || wide < 100 {
		t.Errorf("in 400 results: %d null, %d wider than 32 bits; want about 100 and 200", nulls, wide)
	}
}
