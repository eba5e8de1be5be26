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

// udivMagic returns m and k such that x/d = (x*m) >> k for every n-bit
// unsigned x, d >= 2 not a power of two: the smallest k that works with
// m < 2^n, or else k = n + ceil(log2 d) with 2^n <= m < 2^(n+1).
func udivMagic(n uint, d uint64) (m *big.Int, k uint) {
	l := uint(bits.Len64(d - 1)) // ceil(log2 d)
	bd := new(big.Int).SetUint64(d)
	xmax := new(big.Int).Lsh(big.NewInt(1), n)
	xmax.Sub(xmax, big.NewInt(1))
	for k = n; ; k++ {
		p := new(big.Int).Lsh(big.NewInt(1), k)
		m = new(big.Int).Add(p, bd)
		m.Sub(m, big.NewInt(1))
		m.Quo(m, bd)
		if k == n+l {
			return m, k
		}
		e := new(big.Int).Mul(m, bd)
		e.Sub(e, p)
		if m.BitLen() <= int(n) && e.Mul(e, xmax).Cmp(p) < 0 {
			return m, k
		}
	}
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
	bd := new(big.Int).SetUint64(d)
	p := new(big.Int).Lsh(big.NewInt(1), n-1+l)
	mm := new(big.Int).Add(p, bd)
	mm.Sub(mm, big.NewInt(1))
	mm.Quo(mm, bd)
	return mm.Uint64(), l
}
