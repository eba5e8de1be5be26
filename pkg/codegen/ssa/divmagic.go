package ssa

import (
	"math/big"
	"math/bits"
)

// Magic numbers for division by a constant (Granlund and Montgomery,
// "Division by invariant integers using multiplication", 1994; Hacker's
// Delight ch. 10). For a divisor d and an n-bit dividend x, with
// m = ceil(2^k/d) and e = m*d - 2^k (0 <= e < d):
//
//	x*m/2^k = x/d + x*e/(d*2^k)
//
// The error term is below 1/d, so the floor is unchanged, as long as
// x*e < 2^k for every x the dividend can be: for unsigned x < 2^n,
// (2^n-1)*e < 2^k. k = n + ceil(log2 d) always satisfies it, with an
// (n+1)-bit m; a smaller k, when one does, gives an n-bit m.

// udivMagic returns pre, m and k such that x/d = ((x >> pre) * m) >> k
// for every n-bit unsigned x, d >= 2 not a power of two: with pre = 0,
// the smallest k that works with m < 2^n; else, for an even d, the same
// for (x >> pre) / (d >> pre), pre = d's trailing zeros, whose dividend
// has pre fewer bits (x/(2^p*d') = (x >> p)/d'); else pre = 0 and
// k = n + ceil(log2 d) with 2^n <= m < 2^(n+1).
func udivMagic(n uint, d uint64) (pre uint, m *big.Int, k uint) {
	if m, k, ok := udivMagicShort(n, n, d); ok {
		return 0, m, k
	}
	if p := uint(bits.TrailingZeros64(d)); p > 0 {
		if m, k, ok := udivMagicShort(n-p, n, d>>p); ok {
			return p, m, k
		}
	}
	l := uint(bits.Len64(d - 1)) // ceil(log2 d)
	return 0, magic(n+l, d), n + l
}

// udivMagicShort returns the smallest k with m = ceil(2^k/d) < 2^mbits
// that divides every nx-bit x, if there is one.
func udivMagicShort(nx, mbits uint, d uint64) (m *big.Int, k uint, ok bool) {
	bd := new(big.Int).SetUint64(d)
	xmax := new(big.Int).Lsh(big.NewInt(1), nx)
	xmax.Sub(xmax, big.NewInt(1))
	for k = nx; k <= nx+uint(bits.Len64(d-1)); k++ {
		p := new(big.Int).Lsh(big.NewInt(1), k)
		m = magic(k, d)
		if m.BitLen() > int(mbits) {
			return nil, 0, false // m only grows with k
		}
		e := new(big.Int).Mul(m, bd)
		e.Sub(e, p)
		if e.Mul(e, xmax).Cmp(p) < 0 {
			return m, k, true
		}
	}
	return nil, 0, false
}

// magic is ceil(2^k/d).
func magic(k uint, d uint64) *big.Int {
	bd := new(big.Int).SetUint64(d)
	m := new(big.Int).Lsh(big.NewInt(1), k)
	m.Add(m, bd)
	m.Sub(m, big.NewInt(1))
	return m.Quo(m, bd)
}

// sdivMagic returns m and l for a signed n-bit division by d >= 3, not a
// power of two: l = ceil(log2 d), m = ceil(2^(n-1+l)/d), with
// 2^(n-1) <= m < 2^n. Then for every n-bit signed x,
//
//	x/d (rounded toward zero) = floor(x*m / 2^(n-1+l)) + (1 if x < 0)
//
// For x >= 0: x*e < 2^(n-1)*d <= 2^(n-1+l). For x < 0 the floor lands
// one below the truncated quotient when the error term lies in
// (0, 1/d]: e > 0 as d is no power of two, and |x|*e <= 2^(n-1)*(d-1) <
// 2^(n-1+l).
func sdivMagic(n uint, d uint64) (m uint64, l uint) {
	l = uint(bits.Len64(d - 1))
	return magic(n-1+l, d).Uint64(), l
}
