// Package sha256 is SHA-256 (FIPS 180-4) without crypto/sha256, whose
// import brings the FIPS 140 module's packages along (crypto/cipher,
// AES-GCM, the DRBG, SHA-512, SHA-3, HMAC, the self-test registry) and
// their package initialisation and first page touches into every
// process that links it: lucet-run needs SHA-256 for the compile cache's
// keys and a signed object's checksum, but hello.so's start paid for the
// whole chain (0.03 ms CPU and 5 page faults, cpualt 1500 runs, against a
// build without it). Nothing runs before the first hash.
//
// In: bytes. Out: crypto/sha256's digest of them (the tests compare the
// two on every length up to several blocks, in pieces and whole). With the
// SHA extensions (and SSSE3 and SSE4.1, internal/cpuid) blocks run on
// them as crypto/sha256's do; elsewhere in generic Go.
package sha256

import (
	"encoding/binary"
	"hash"
)

// Size and BlockSize are SHA-256's digest and block sizes in bytes.
const (
	Size      = 32
	BlockSize = 64
)

var iv = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// blockFn is block, or blockGeneric in a test (a function value: static
// data, no init code).
var blockFn = block

// Digest is a running SHA-256; its zero value is not ready: use New.
type Digest struct {
	h   [8]uint32
	x   [BlockSize]byte
	nx  int
	len uint64
}

// New returns a new SHA-256 hash.
func New() hash.Hash {
	d := &Digest{}
	d.Reset()
	return d
}

// Sum256 is the SHA-256 of b.
func Sum256(b []byte) [Size]byte {
	var d Digest
	d.Reset()
	d.Write(b)
	return d.sum()
}

func (d *Digest) Reset() {
	d.h = iv
	d.nx = 0
	d.len = 0
}

func (d *Digest) Size() int      { return Size }
func (d *Digest) BlockSize() int { return BlockSize }

func (d *Digest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		c := copy(d.x[d.nx:], p)
		d.nx += c
		p = p[c:]
		if d.nx < BlockSize {
			return n, nil
		}
		blockFn(&d.h, d.x[:])
		d.nx = 0
	}
	if full := len(p) &^ (BlockSize - 1); full > 0 {
		blockFn(&d.h, p[:full])
		p = p[full:]
	}
	d.nx = copy(d.x[:], p)
	return n, nil
}

// Sum appends the digest of what was written to b; d is unchanged.
func (d *Digest) Sum(b []byte) []byte {
	c := *d
	s := c.sum()
	return append(b, s[:]...)
}

func (d *Digest) sum() [Size]byte {
	bits := d.len << 3
	var pad [BlockSize + 8]byte
	pad[0] = 0x80
	n := (55 - d.nx + BlockSize) % BlockSize // zeros after 0x80, to 56 mod 64
	binary.BigEndian.PutUint64(pad[1+n:], bits)
	d.Write(pad[:1+n+8])
	var out [Size]byte
	for i, v := range d.h {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}
