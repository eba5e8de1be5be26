// Package crc32c computes CRC-32C (Castagnoli), the checksum the loader
// verifies on every load, without the start-up cost of hash/crc32: its
// Castagnoli path builds 8 KiB of shift tables on first use (about 1.5 MB
// of CRC work, 0.2 ms) and its package initialisation builds the IEEE
// table, both paid by every run of a module. Here the SSE 4.2 CRC32
// instruction runs over three interleaved streams and the streams are
// joined by multiplying in GF(2) (x^(8n) mod P by squaring), which needs
// no table at all; without SSE 4.2 a bytewise table is built on first use.
//
// In: a running CRC and bytes. Out: the same value hash/crc32.Update with
// crc32.MakeTable(crc32.Castagnoli) returns.
package crc32c

// poly is the Castagnoli polynomial, bit-reversed.
const poly = 0x82f63b78

// Update returns the CRC-32C of p appended to data whose CRC-32C is crc
// (0 for none), as hash/crc32.Update does.
func Update(crc uint32, p []byte) uint32 { return ^update(^crc, p) }

// Checksum returns the CRC-32C of p.
func Checksum(p []byte) uint32 { return Update(0, p) }

// multModP returns a*b mod P, polynomials in bit-reversed order (bit 31 is
// x^0).
func multModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ poly
		} else {
			b >>= 1
		}
	}
	return p
}

// xPow8n returns x^(8n) mod P: multiplying a CRC register by it is what
// running n zero bytes through the register does.
func xPow8n(n int) uint32 {
	p := uint32(1) << 31 // x^0
	q := uint32(1) << 23 // x^8
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			p = multModP(q, p)
		}
		q = multModP(q, q)
	}
	return p
}

// updateGeneric is the CRC register (no inversions) after p, a byte at a
// time.
func updateGeneric(s uint32, p []byte) uint32 {
	t := table.Get()
	for _, b := range p {
		s = t[byte(s)^b] ^ s>>8
	}
	return s
}
