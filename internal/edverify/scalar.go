package edverify

import (
	"encoding/binary"
	"math/bits"
)

// scalar is an integer below the group order L, as four little-endian
// 64-bit words.
type scalar [4]uint64

// order is L = 2^252 + 27742317777372353535851937790883648493.
var order = scalar{0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000}

// setCanonical reads 32 little-endian bytes, refusing a value of L or
// more, as crypto/ed25519 refuses such an S.
func (s *scalar) setCanonical(b *[32]byte) bool {
	for i := range s {
		s[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return s.less(&order)
}

func (s *scalar) less(t *scalar) bool {
	for i := 3; i >= 0; i-- {
		if s[i] != t[i] {
			return s[i] < t[i]
		}
	}
	return false
}

func (s *scalar) bit(i int) uint64 { return s[i/64] >> (i % 64) & 1 }

// reduce512 is the 64-byte little-endian b mod L, as crypto/ed25519
// reduces SHA-512(R || A || M): bit by bit from the top, doubling and
// subtracting L when reached (r stays below L < 2^253, so 2r+1 fits).
func reduce512(b *[64]byte) scalar {
	var r scalar
	for i := 511; i >= 0; i-- {
		bit := uint64(b[i/8] >> (i % 8) & 1)
		r[3] = r[3]<<1 | r[2]>>63
		r[2] = r[2]<<1 | r[1]>>63
		r[1] = r[1]<<1 | r[0]>>63
		r[0] = r[0]<<1 | bit
		if !r.less(&order) {
			var borrow uint64
			r[0], borrow = bits.Sub64(r[0], order[0], 0)
			r[1], borrow = bits.Sub64(r[1], order[1], borrow)
			r[2], borrow = bits.Sub64(r[2], order[2], borrow)
			r[3], _ = bits.Sub64(r[3], order[3], borrow)
		}
	}
	return r
}
