// Package edverify verifies Ed25519 signatures (RFC 8032) exactly as
// crypto/ed25519.Verify does, without linking crypto/ed25519: that
// package's dependencies (crypto/internal/fips140/edwards25519's
// precomputed points, the DRBG, SHA-512 and SHA-3 registrations, AES-GCM)
// run their package initialisation in every process that links them,
// and lucet-run links signature checking for --trusted-keys, so every
// run of a module paid for it (~85 K instructions and their first page
// touches) whether it checked a signature or not. Here nothing is
// computed before Verify is called.
//
// In: a 32-byte public key, a message and a 64-byte signature. Out:
// whether crypto/ed25519.Verify accepts them; the tests hold the two to
// the same answer on RFC 8032's vectors, malformed, non-canonical and
// small-order keys and signatures, and under a fuzzer. That includes
// crypto/ed25519's leniencies, which a verifier written from RFC 8032
// alone would not share: a public key whose y is not reduced (p to
// 2^255-1) or whose x is 0 with the sign bit set is decoded, not
// refused. Its strictness is the same too: S must be below the group
// order, R must be the canonical encoding of [S]B - [k]A (cofactorless
// equation), and A is used as given, of any order.
//
// Variable time: all inputs of a verification are public.
package edverify

// PublicKeySize and SignatureSize are crypto/ed25519's sizes.
const (
	PublicKeySize = 32
	SignatureSize = 64
)

// Verify reports whether sig is a valid signature of message by
// publicKey, as crypto/ed25519.Verify does; a public key of the wrong
// length, where crypto/ed25519 panics, is not valid.
func Verify(publicKey, message, sig []byte) bool {
	if len(publicKey) != PublicKeySize || len(sig) != SignatureSize || sig[63]&0xe0 != 0 {
		return false
	}
	A, ok := decodePoint((*[32]byte)(publicKey))
	if !ok {
		return false
	}
	var s scalar
	if !s.setCanonical((*[32]byte)(sig[32:])) {
		return false
	}
	h := newSHA512()
	h.write(sig[:32])
	h.write(publicKey)
	h.write(message)
	digest := h.sum()
	k := reduce512(&digest)

	// [S]B = R + [k]A  <=>  R = [S]B + [k](-A)
	B, _ := decodePoint(&basePointBytes)
	R := doubleScalarMult(&s, &B, &k, A.neg())
	return R.bytes() == [32]byte(sig[:32])
}

// point is a point of the curve -x² + y² = 1 + d·x²·y² in extended
// coordinates: x = X/Z, y = Y/Z, x·y = T/Z.
type point struct{ X, Y, Z, T fe }

// basePointBytes encodes the base point B (y = 4/5, x even).
var basePointBytes = [32]byte{0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66}

func identity() point { return point{Y: feOne, Z: feOne} }

// decodePoint decodes as crypto/ed25519 decodes a public key: y from the
// low 255 bits (reduced mod p if not already), x = ±√((y²-1)/(d·y²+1)),
// refused only when that is not a square; the non-negative root, negated
// when the top bit is set (so x = 0 with the bit set is x = 0).
func decodePoint(b *[32]byte) (point, bool) {
	y := feFromBytes(b)
	y2 := feSquare(y)
	u := feSub(y2, feOne)
	v := feAdd(feMul(y2, feFromBytes(&dBytes)), feOne)
	x, ok := sqrtRatio(u, v)
	if !ok {
		return point{}, false
	}
	if b[31]>>7 == 1 {
		x = feNeg(x)
	}
	return point{X: x, Y: y, Z: feOne, T: feMul(x, y)}, true
}

// bytes is the canonical encoding: y, and x's sign in the top bit.
func (p *point) bytes() [32]byte {
	zinv := feInvert(p.Z)
	x, y := feMul(p.X, zinv), feMul(p.Y, zinv)
	b := y.bytes()
	b[31] |= x.bytes()[0] & 1 << 7
	return b
}

func (p *point) neg() *point {
	return &point{X: feNeg(p.X), Y: p.Y, Z: p.Z, T: feNeg(p.T)}
}

// add is p + q (RFC 8032 section 5.1.4; complete: any p and q).
func add(p, q *point) point {
	d2 := feAdd(feFromBytes(&dBytes), feFromBytes(&dBytes))
	a := feMul(feSub(p.Y, p.X), feSub(q.Y, q.X))
	b := feMul(feAdd(p.Y, p.X), feAdd(q.Y, q.X))
	c := feMul(feMul(p.T, d2), q.T)
	d := feMul(feAdd(p.Z, p.Z), q.Z)
	e, f, g, h := feSub(b, a), feSub(d, c), feAdd(d, c), feAdd(b, a)
	return point{X: feMul(e, f), Y: feMul(g, h), T: feMul(e, h), Z: feMul(f, g)}
}

// double is 2p (RFC 8032 section 5.1.4).
func double(p *point) point {
	a := feSquare(p.X)
	b := feSquare(p.Y)
	c := feAdd(feSquare(p.Z), feSquare(p.Z))
	h := feAdd(a, b)
	e := feSub(h, feSquare(feAdd(p.X, p.Y)))
	g := feSub(a, b)
	f := feAdd(c, g)
	return point{X: feMul(e, f), Y: feMul(g, h), T: feMul(e, h), Z: feMul(f, g)}
}

// doubleScalarMult is [a]P + [b]Q, bit by bit from the top.
func doubleScalarMult(a *scalar, P *point, b *scalar, Q *point) point {
	PQ := add(P, Q)
	r := identity()
	for i := 255; i >= 0; i-- {
		r = double(&r)
		switch a.bit(i)<<1 | b.bit(i) {
		case 1:
			r = add(&r, Q)
		case 2:
			r = add(&r, P)
		case 3:
			r = add(&r, &PQ)
		}
	}
	return r
}
