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
// running n zero bytes through the register does. It multiplies together
// the powers x^(8*2^k) of n's set bits, from pow8; squaring its way there
// instead (two multiplications a bit of n, each up to 32 shift-and-xor
// steps) took 3.5 us for a 27 KB stream, 15% of the CRC of the 81 KB
// hello.so every run of it computes.
func xPow8n(n int) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 0; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			p = multModP(pow8[k], p)
		}
	}
	return p
}

// pow8[k] is x^(8*2^k) mod P (bit-reversed, as multModP takes it), for
// every bit of an int; TestPow8 recomputes it. (The powers repeat every 31
// squarings: x's order modulo P divides 2^31-1.) A composite literal, so
// the linker lays it out and no initialisation computes it.
var pow8 = [64]uint32{
	0x00800000, 0x00008000, 0x82f63b78, 0x6ea2d55c, 0x18b8ea18, 0x510ac59a,
	0xb82be955, 0xb8fdb1e7, 0x88e56f72, 0x74c360a4, 0xe4172b16, 0x0d65762a,
	0x35d73a62, 0x28461564, 0xbf455269, 0xe2ea32dc, 0xfe7740e6, 0xf946610b,
	0x3c204f8f, 0x538586e3, 0x59726915, 0x734d5309, 0xbc1ac763, 0x7d0722cc,
	0xd289cabe, 0xe94ca9bc, 0x05b74f3f, 0xa51e1f42, 0x40000000, 0x20000000,
	0x08000000, 0x00800000, 0x00008000, 0x82f63b78, 0x6ea2d55c, 0x18b8ea18,
	0x510ac59a, 0xb82be955, 0xb8fdb1e7, 0x88e56f72, 0x74c360a4, 0xe4172b16,
	0x0d65762a, 0x35d73a62, 0x28461564, 0xbf455269, 0xe2ea32dc, 0xfe7740e6,
	0xf946610b, 0x3c204f8f, 0x538586e3, 0x59726915, 0x734d5309, 0xbc1ac763,
	0x7d0722cc, 0xd289cabe, 0xe94ca9bc, 0x05b74f3f, 0xa51e1f42, 0x40000000,
	0x20000000, 0x08000000, 0x00800000, 0x00008000,
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
