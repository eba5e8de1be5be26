package ssa

import (
	"fmt"
	"math/bits"
	"strconv"
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
func udivMagic(n uint, d uint64) (pre uint, m u128, k uint) {
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
// that divides every nx-bit x, if there is one. nx, mbits <= 64.
func udivMagicShort(nx, mbits uint, d uint64) (m u128, k uint, ok bool) {
	xmax := uint64(1)<<nx - 1 // nx = 64 wraps to all ones
	for k = nx; k <= nx+uint(bits.Len64(d-1)); k++ {
		m = magic(k, d)
		if m.BitLen() > int(mbits) {
			return u128{}, 0, false // m only grows with k
		}
		// e = m*d - 2^k is below d, so it is the low word of the
		// difference.
		_, lo := bits.Mul64(m.lo, d)
		e := lo
		if k < 64 {
			e -= 1 << k
		}
		if hi, lo := bits.Mul64(e, xmax); (u128{hi, lo}).BitLen() <= int(k) {
			return m, k, true
		}
	}
	return u128{}, 0, false
}

// magic is ceil(2^k/d) for k <= 128, d >= 2: floor((2^k - 1)/d) + 1,
// whose numerator fits 128 bits.
func magic(k uint, d uint64) u128 {
	num := u128{^uint64(0), ^uint64(0)}
	switch {
	case k < 64:
		num = u128{0, 1<<k - 1}
	case k < 128:
		num = u128{1<<(k-64) - 1, ^uint64(0)}
	}
	qhi, r := num.hi/d, num.hi%d
	qlo, _ := bits.Div64(r, num.lo, d)
	qlo, c := bits.Add64(qlo, 1, 0)
	return u128{qhi + c, qlo}
}

// u128 is an unsigned 128-bit magic number (math/big did this, and
// linked math/big and math/rand into every binary with the compiler:
// math/big's package initialisation ran, and faulted in a page of text,
// at every lucet-run start).
type u128 struct{ hi, lo uint64 }

func (x u128) BitLen() int {
	if x.hi != 0 {
		return 64 + bits.Len64(x.hi)
	}
	return bits.Len64(x.lo)
}

// Uint64 is x's low 64 bits.
func (x u128) Uint64() uint64 { return x.lo }

// lsh is x << s for s < 64.
func (x u128) lsh(s uint) u128 {
	if s == 0 {
		return x
	}
	return u128{x.hi<<s | x.lo>>(64-s), x.lo << s}
}

func (x u128) String() string {
	if x.hi == 0 {
		return strconv.FormatUint(x.lo, 10)
	}
	return fmt.Sprintf("%#x%016x", x.hi, x.lo)
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
