package ssa

import (
	"math/big"
	"math/bits"
	"testing"
)

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

// TestDivMagicBig checks the 128-bit arithmetic of udivMagic and
// sdivMagic against math/big at the widths the compiler uses, for
// divisors at the edges of every bit length and a spread in between:
// the same m, k and pre as the definitions (divmagic.go) computed with
// unbounded integers.
func TestDivMagicBig(t *testing.T) {
	var ds []uint64
	for b := uint(2); b <= 64; b++ {
		lo, hi := uint64(1)<<(b-1), uint64(1)<<(b-1)|(uint64(1)<<(b-1)-1)
		ds = append(ds, lo+1, lo+2, lo+3, hi-1, hi, lo|lo>>1, lo|0x5555555555555555&(lo-1), lo|1000&(lo-1), lo|641)
	}
	ds = append(ds, 3, 5, 6, 7, 10, 12, 14, 25, 60, 100, 641, 1000, 1e6, 1e9, 1e12, 1e18, 274177, 6700417)
	for _, n := range []uint{32, 64} {
		for _, d := range ds {
			if d&(d-1) == 0 || n == 32 && d>>32 != 0 || d < 3 {
				continue
			}
			pre, m, k := udivMagic(n, d)
			wpre, wm, wk := bigUdivMagic(n, d)
			if pre != wpre || k != wk || m.BitLen() != wm.BitLen() || m.hi != new(big.Int).Rsh(wm, 64).Uint64() || m.lo != wm.Uint64() {
				t.Errorf("udivMagic(%d, %d) = %d, %#x:%#x, %d; math/big: %d, %#x, %d", n, d, pre, m.hi, m.lo, k, wpre, wm, wk)
			}
			if d > 1<<(n-1) {
				continue
			}
			l := uint(bits.Len64(d - 1))
			if ms, ml := sdivMagic(n, d); ml != l || ms != bigMagic(n-1+l, d).Uint64() {
				t.Errorf("sdivMagic(%d, %d) = %#x, %d; math/big: %#x, %d", n, d, ms, ml, bigMagic(n-1+l, d), l)
			}
		}
	}
}

// bigUdivMagic is udivMagic spelled with math/big, as it was first written.
func bigUdivMagic(n uint, d uint64) (pre uint, m *big.Int, k uint) {
	short := func(nx, mbits uint, d uint64) (*big.Int, uint, bool) {
		bd := new(big.Int).SetUint64(d)
		xmax := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), nx), big.NewInt(1))
		for k := nx; k <= nx+uint(bits.Len64(d-1)); k++ {
			p := new(big.Int).Lsh(big.NewInt(1), k)
			m := bigMagic(k, d)
			if m.BitLen() > int(mbits) {
				return nil, 0, false
			}
			e := new(big.Int).Sub(new(big.Int).Mul(m, bd), p)
			if e.Mul(e, xmax).Cmp(p) < 0 {
				return m, k, true
			}
		}
		return nil, 0, false
	}
	if m, k, ok := short(n, n, d); ok {
		return 0, m, k
	}
	if p := uint(bits.TrailingZeros64(d)); p > 0 {
		if m, k, ok := short(n-p, n, d>>p); ok {
			return p, m, k
		}
	}
	l := uint(bits.Len64(d - 1))
	return 0, bigMagic(n+l, d), n + l
}

// bigMagic is ceil(2^k/d).
func bigMagic(k uint, d uint64) *big.Int {
	bd := new(big.Int).SetUint64(d)
	m := new(big.Int).Lsh(big.NewInt(1), k)
	m.Add(m, bd).Sub(m, big.NewInt(1))
	return m.Quo(m, bd)
}
