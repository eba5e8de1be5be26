package crc32c

import "github.com/lucet-go/lucet/internal/cpuid"

// updateSSE42 runs p through the CRC register s, 8 bytes at a time.
//
//go:noescape
func updateSSE42(s uint32, p []byte) uint32

// update3SSE42 runs the n bytes (a multiple of 8, at least 8) at each of
// a, b and c through registers sa, sb and sc, interleaved: one stream is
// bound by the CRC32 instruction's 3-cycle latency, three keep it busy.
//
//go:noescape
func update3SSE42(sa, sb, sc uint32, a, b, c *byte, n int) (ra, rb, rc uint32)

// threeWay is the length from which three streams and the cost of joining
// them (a few hundred GF(2) steps, about a microsecond) beat one stream.
const threeWay = 16 << 10

func update(s uint32, p []byte) uint32 {
	if !cpuid.X86Base().SSE42 {
		return updateGeneric(s, p)
	}
	if len(p) >= threeWay {
		// A multiple of 64 rather than of 8: the join multiplies once for
		// each set bit of n, and the few bytes more left to one stream
		// cost less than the multiplications saved.
		n := len(p) / 3 &^ 63
		a, b, c := update3SSE42(s, 0, 0, &p[0], &p[n], &p[2*n], n)
		// CRC(A||B) = CRC(A) shifted past |B| zero bytes, xor CRC(B) from 0.
		shift := xPow8n(n)
		s = multModP(shift, multModP(shift, a)^b) ^ c
		p = p[3*n:]
	}
	return updateSSE42(s, p)
}
