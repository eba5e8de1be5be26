package ssa

import "testing"

// TestDivMagicExhaustive checks the magic numbers' facts (divmagic.go)
// for every divisor and every dividend of 8 and 12 bits, where the
// product fits a uint64/int64; the functions are the same for every n,
// and package codegen's TestDivByConst runs the 32- and 64-bit sequences.
func TestDivMagicExhaustive(t *testing.T) {
	for _, n := range []uint{8, 12} {
		for d := uint64(3); d < 1<<n; d++ {
			if d&(d-1) == 0 {
				continue
			}
			pre, m, k := udivMagic(n, d)
			if m.BitLen() > int(n)+1 || k > n+64 || pre > 0 && m.BitLen() > int(n) {
				t.Fatalf("n=%d d=%d: m=%v k=%d out of range", n, d, m, k)
			}
			mu := m.Uint64()
			for x := uint64(0); x < 1<<n; x++ {
				if got := x >> pre * mu >> k; got != x/d {
					t.Fatalf("udiv n=%d d=%d pre=%d m=%d k=%d: x=%d gives %d, want %d", n, d, pre, mu, k, x, got, x/d)
				}
			}
			if d > 1<<(n-1) {
				continue
			}
			ms, l := sdivMagic(n, d)
			if ms < 1<<(n-1) || ms >= 1<<n {
				t.Fatalf("sdiv n=%d d=%d: m=%d not in [2^(n-1), 2^n)", n, d, ms)
			}
			for x := -int64(1) << (n - 1); x < 1<<(n-1); x++ {
				got := x * int64(ms) >> (n - 1 + l)
				if x < 0 {
					got++
				}
				if got != x/int64(d) {
					t.Fatalf("sdiv n=%d d=%d m=%d l=%d: x=%d gives %d, want %d", n, d, ms, l, x, got, x/int64(d))
				}
			}
		}
	}
}

// TestUdivMagicShort checks that udivMagic takes an n-bit m where one
// exists: for 32 bits, 3, 5, 10 and 641 have one, 7 does not; 14 and
// 1000 have one for the dividend shifted right by their trailing zeros.
func TestUdivMagicShort(t *testing.T) {
	for _, c := range []struct {
		n     uint
		d     uint64
		short bool
		pre   uint
	}{
		{32, 3, true, 0}, {32, 5, true, 0}, {32, 10, true, 0}, {32, 641, true, 0}, {32, 7, false, 0},
		{32, 14, true, 1}, {64, 10, true, 0}, {64, 7, false, 0}, {64, 1000, true, 3},
	} {
		pre, m, _ := udivMagic(c.n, c.d)
		if short := m.BitLen() <= int(c.n); short != c.short || pre != c.pre {
			t.Errorf("udivMagic(%d, %d): m %v, %d-bit, pre %d: want short %v, pre %d", c.n, c.d, m, m.BitLen(), pre, c.short, c.pre)
		}
	}
}
