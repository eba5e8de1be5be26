package load

import (
	"bytes"
	"testing"
)

// TestAllInt3 compares allInt3 with a byte-by-byte check for every length
// up to 40 and every position of one byte that is not int3, and for the
// one-bit changes of int3 (a word-wise check that compared only some bits
// would pass them).
func TestAllInt3(t *testing.T) {
	naive := func(p []byte) bool {
		for _, c := range p {
			if c != 0xcc {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 40; n++ {
		p := bytes.Repeat([]byte{0xcc}, n)
		if !allInt3(p) {
			t.Fatalf("%d int3s: false", n)
		}
		for i := 0; i < n; i++ {
			for _, bad := range []byte{0x00, 0xcd, 0xcc ^ 0x80, 0xcc ^ 0x01, 0xc3, 0xff} {
				p[i] = bad
				if got, want := allInt3(p), naive(p); got != want {
					t.Fatalf("len %d, byte %d = %#x: allInt3 %v, want %v", n, i, bad, got, want)
				}
				p[i] = 0xcc
			}
		}
	}
	// A sub-slice at an odd offset (the padding starts wherever .text ends).
	p := bytes.Repeat([]byte{0xcc}, 64)
	p[3] = 0
	if allInt3(p[3:]) || !allInt3(p[4:]) {
		t.Fatal("offset sub-slices")
	}
}
