package edverify

import (
	"encoding/binary"
	"math/bits"
)

// fe is an element of GF(p), p = 2^255 - 19, as five 51-bit limbs, least
// significant first: l0 + l1·2^51 + l2·2^102 + l3·2^153 + l4·2^204.
// Operations take limbs below 2^52 and return limbs below 2^52 (loosely
// reduced); only bytes gives the canonical value.
type fe [5]uint64

const mask51 = 1<<51 - 1

var feOne = fe{1}

// feFromBytes reads 32 little-endian bytes, ignoring the top bit (bit
// 255) and accepting values from p to 2^255-1, which stand for their
// residue: the decoding crypto/ed25519 applies to a point's y.
func feFromBytes(b *[32]byte) fe {
	return fe{
		binary.LittleEndian.Uint64(b[0:8]) & mask51,
		binary.LittleEndian.Uint64(b[6:14]) >> 3 & mask51,
		binary.LittleEndian.Uint64(b[12:20]) >> 6 & mask51,
		binary.LittleEndian.Uint64(b[19:27]) >> 1 & mask51,
		binary.LittleEndian.Uint64(b[24:32]) >> 12 & mask51,
	}
}

// carry brings every limb below 2^51, except l0 which may reach
// 2^51 + 19·(l4>>51).
func (a fe) carry() fe {
	c := a[0] >> 51
	a[0] &= mask51
	a[1] += c
	c = a[1] >> 51
	a[1] &= mask51
	a[2] += c
	c = a[2] >> 51
	a[2] &= mask51
	a[3] += c
	c = a[3] >> 51
	a[3] &= mask51
	a[4] += c
	c = a[4] >> 51
	a[4] &= mask51
	a[0] += 19 * c
	return a
}

// bytes is the canonical little-endian encoding, the value in [0, p).
func (a fe) bytes() [32]byte {
	a = a.carry()
	// Now a < 2^255 + 2^18 < 2p: subtract p once if a >= p, i.e. if
	// a + 19 reaches 2^255.
	c := (a[0] + 19) >> 51
	c = (a[1] + c) >> 51
	c = (a[2] + c) >> 51
	c = (a[3] + c) >> 51
	c = (a[4] + c) >> 51
	a[0] += 19 * c
	a[1] += a[0] >> 51
	a[0] &= mask51
	a[2] += a[1] >> 51
	a[1] &= mask51
	a[3] += a[2] >> 51
	a[2] &= mask51
	a[4] += a[3] >> 51
	a[3] &= mask51
	a[4] &= mask51 // drops the 2^255 of a + 19 - 2^255
	var b [32]byte
	binary.LittleEndian.PutUint64(b[0:8], a[0]|a[1]<<51)
	binary.LittleEndian.PutUint64(b[8:16], a[1]>>13|a[2]<<38)
	binary.LittleEndian.PutUint64(b[16:24], a[2]>>26|a[3]<<25)
	binary.LittleEndian.PutUint64(b[24:32], a[3]>>39|a[4]<<12)
	return b
}

func feAdd(a, b fe) fe {
	return fe{a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]}.carry()
}

// feSub is a - b, computed as a + 2p - b (b's limbs are below 2^52 - 38).
func feSub(a, b fe) fe {
	return fe{
		a[0] + 0xFFFFFFFFFFFDA - b[0],
		a[1] + 0xFFFFFFFFFFFFE - b[1],
		a[2] + 0xFFFFFFFFFFFFE - b[2],
		a[3] + 0xFFFFFFFFFFFFE - b[3],
		a[4] + 0xFFFFFFFFFFFFE - b[4],
	}.carry()
}

func feNeg(a fe) fe { return feSub(fe{}, a) }

// u128 is a 128-bit accumulator.
type u128 struct{ lo, hi uint64 }

func mulAdd(acc u128, a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	lo, c := bits.Add64(acc.lo, lo, 0)
	return u128{lo, acc.hi + hi + c}
}

func (a u128) shr51() uint64 { return a.hi<<13 | a.lo>>51 }

func (a u128) add64(b uint64) u128 {
	lo, c := bits.Add64(a.lo, b, 0)
	return u128{lo, a.hi + c}
}

// feMul is a·b. With limbs below 2^52 each column is below
// 77·2^104 < 2^111, and the top carry times 19 below 2^64.
func feMul(a, b fe) fe {
	b1, b2, b3, b4 := 19*b[1], 19*b[2], 19*b[3], 19*b[4]
	var r0, r1, r2, r3, r4 u128
	r0 = mulAdd(r0, a[0], b[0])
	r0 = mulAdd(r0, a[1], b4)
	r0 = mulAdd(r0, a[2], b3)
	r0 = mulAdd(r0, a[3], b2)
	r0 = mulAdd(r0, a[4], b1)

	r1 = mulAdd(r1, a[0], b[1])
	r1 = mulAdd(r1, a[1], b[0])
	r1 = mulAdd(r1, a[2], b4)
	r1 = mulAdd(r1, a[3], b3)
	r1 = mulAdd(r1, a[4], b2)

	r2 = mulAdd(r2, a[0], b[2])
	r2 = mulAdd(r2, a[1], b[1])
	r2 = mulAdd(r2, a[2], b[0])
	r2 = mulAdd(r2, a[3], b4)
	r2 = mulAdd(r2, a[4], b3)

	r3 = mulAdd(r3, a[0], b[3])
	r3 = mulAdd(r3, a[1], b[2])
	r3 = mulAdd(r3, a[2], b[1])
	r3 = mulAdd(r3, a[3], b[0])
	r3 = mulAdd(r3, a[4], b4)

	r4 = mulAdd(r4, a[0], b[4])
	r4 = mulAdd(r4, a[1], b[3])
	r4 = mulAdd(r4, a[2], b[2])
	r4 = mulAdd(r4, a[3], b[1])
	r4 = mulAdd(r4, a[4], b[0])

	return carryWide(r0, r1, r2, r3, r4)
}

// feSquare is a², feMul's columns with the symmetric products paired.
func feSquare(a fe) fe {
	d0, d1, d2 := 2*a[0], 2*a[1], 2*a[2]
	a3x19, a4x19 := 19*a[3], 19*a[4]
	var r0, r1, r2, r3, r4 u128
	r0 = mulAdd(r0, a[0], a[0])
	r0 = mulAdd(r0, d1, a4x19)
	r0 = mulAdd(r0, d2, a3x19)

	r1 = mulAdd(r1, d0, a[1])
	r1 = mulAdd(r1, d2, a4x19)
	r1 = mulAdd(r1, a[3], a3x19)

	r2 = mulAdd(r2, d0, a[2])
	r2 = mulAdd(r2, a[1], a[1])
	r2 = mulAdd(r2, 2*a[3], a4x19)

	r3 = mulAdd(r3, d0, a[3])
	r3 = mulAdd(r3, d1, a[2])
	r3 = mulAdd(r3, a[4], a4x19)

	r4 = mulAdd(r4, d0, a[4])
	r4 = mulAdd(r4, d1, a[3])
	r4 = mulAdd(r4, a[2], a[2])
	return carryWide(r0, r1, r2, r3, r4)
}

// carryWide reduces five 128-bit columns to limbs below 2^52.
func carryWide(r0, r1, r2, r3, r4 u128) fe {
	var out fe
	out[0] = r0.lo & mask51
	r1 = r1.add64(r0.shr51())
	out[1] = r1.lo & mask51
	r2 = r2.add64(r1.shr51())
	out[2] = r2.lo & mask51
	r3 = r3.add64(r2.shr51())
	out[3] = r3.lo & mask51
	r4 = r4.add64(r3.shr51())
	out[4] = r4.lo & mask51
	out[0] += 19 * r4.shr51()
	out[1] += out[0] >> 51
	out[0] &= mask51
	return out
}

// feSquareN is a^(2^n).
func feSquareN(a fe, n int) fe {
	for ; n > 0; n-- {
		a = feSquare(a)
	}
	return a
}

// pow22501 is (a^(2^250-1), a^11), the common part of inversion and the
// square root (the addition chain of the Ed25519 reference code).
func pow22501(a fe) (fe, fe) {
	a2 := feSquare(a)                           // 2
	a9 := feMul(feSquareN(a2, 2), a)            // 9
	a11 := feMul(a9, a2)                        // 11
	x5 := feMul(feSquare(a11), a9)              // 2^5 - 1
	x10 := feMul(feSquareN(x5, 5), x5)          // 2^10 - 1
	x20 := feMul(feSquareN(x10, 10), x10)       // 2^20 - 1
	x40 := feMul(feSquareN(x20, 20), x20)       // 2^40 - 1
	x50 := feMul(feSquareN(x40, 10), x10)       // 2^50 - 1
	x100 := feMul(feSquareN(x50, 50), x50)      // 2^100 - 1
	x200 := feMul(feSquareN(x100, 100), x100)   // 2^200 - 1
	return feMul(feSquareN(x200, 50), x50), a11 // 2^250 - 1
}

func feEqual(a, b fe) bool { return a.bytes() == b.bytes() }

func feIsZero(a fe) bool { return a.bytes() == [32]byte{} }

// feIsNegative: the canonical value is odd (RFC 8032's sign of x).
func feIsNegative(a fe) bool { return a.bytes()[0]&1 == 1 }

// Constants, little-endian.
var (
	// dBytes = -121665/121666 mod p, the curve constant.
	dBytes = [32]byte{0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52}
	// sqrtM1Bytes = 2^((p-1)/4) mod p, a square root of -1.
	sqrtM1Bytes = [32]byte{0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f, 0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b}
)

// feInvert is 1/a = a^(p-2) = a^(2^255-21) = (a^(2^250-1))^(2^5)·a^11.
func feInvert(a fe) fe {
	x250, a11 := pow22501(a)
	return feMul(feSquareN(x250, 5), a11)
}

// pow2523 is a^((p-5)/8) = a^(2^252-3) = (a^(2^250-1))^4·a.
func pow2523(a fe) fe {
	x250, _ := pow22501(a)
	return feMul(feSquareN(x250, 2), a)
}

// sqrtRatio is the non-negative (even) square root of u/v and true, or
// false when u/v is not a square (RFC 8032 section 5.1.3, v != 0).
func sqrtRatio(u, v fe) (fe, bool) {
	v3 := feMul(feSquare(v), v)
	v7 := feMul(feSquare(v3), v)
	x := feMul(feMul(u, v3), pow2523(feMul(u, v7)))
	vx2 := feMul(v, feSquare(x))
	switch {
	case feEqual(vx2, u):
	case feEqual(vx2, feNeg(u)):
		x = feMul(x, feFromBytes(&sqrtM1Bytes))
	default:
		return fe{}, false
	}
	if feIsNegative(x) {
		x = feNeg(x)
	}
	return x, true
}
