package wasi

import (
	"encoding/binary"
	"math"
)

// Guest memory accessors. Every pointer/length pair from the guest goes
// through span, which does the bounds check in uint64 so ptr+len cannot wrap.
// The accessors take the []byte fetched once at the start of a host call:
// nothing in this package calls back into the guest, so memory cannot grow
// underneath it.

func span(m []byte, ptr, n uint32) ([]byte, bool) {
	end := uint64(ptr) + uint64(n)
	if end > uint64(len(m)) {
		return nil, false
	}
	return m[ptr:end:end], true
}

// spanN checks an array of count elements of size bytes each.
func spanN(m []byte, ptr, count, size uint32) ([]byte, bool) {
	total := uint64(count) * uint64(size)
	end := uint64(ptr) + total
	if end > uint64(len(m)) {
		return nil, false
	}
	return m[ptr:end:end], true
}

func ok32(m []byte, ptr uint32) bool { return uint64(ptr)+4 <= uint64(len(m)) }
func ok64(m []byte, ptr uint32) bool { return uint64(ptr)+8 <= uint64(len(m)) }

func le32(m []byte, ptr uint32) uint32 { return binary.LittleEndian.Uint32(m[ptr:]) }
func le64(m []byte, ptr uint32) uint64 { return binary.LittleEndian.Uint64(m[ptr:]) }

func put16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }
func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
func put64(b []byte, off int, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }

// store32 and store64 write a result through a guest pointer the caller has
// already validated with ok32/ok64.
func store32(m []byte, ptr uint32, v uint32) { binary.LittleEndian.PutUint32(m[ptr:], v) }
func store64(m []byte, ptr uint32, v uint64) { binary.LittleEndian.PutUint64(m[ptr:], v) }

// maxIovecs caps how many iovecs one call looks at. Linux refuses more than
// IOV_MAX (1024) in one readv; rather than fail we do a short transfer over
// the first maxIovecs, which the WASI read/write contract allows and which
// keeps a hostile iovs_len from making us build a huge [][]byte.
const maxIovecs = 1024

// maxTransfer caps the bytes one call moves: its count comes back to the
// guest as a u32 (nread, nwritten, ro_datalen), and iovecs of a 4 GiB
// memory can add up to far more (1,024 of 4 GiB each). Uncapped, fd_write
// of two 2 GiB iovecs and one of 16 bytes wrote 4 GiB + 16 bytes and told
// the guest it wrote 16. Past the cap the transfer is short, which the
// read/write contract allows (Linux caps one writev likewise, at 2 GiB).
const maxTransfer = math.MaxUint32

// iovecs resolves a guest iovec array into slices of guest memory,
// appended to buf when it has room (else to a new slice). It validates
// every iovec it uses; a bad one is EFAULT. The slices add up to at most
// maxTransfer bytes: the iovec that crosses it is cut, later ones are
// left empty.
func iovecs(buf [][]byte, m []byte, ptr, count uint32) ([][]byte, Errno) {
	if _, ok := spanN(m, ptr, count, 8); !ok {
		return nil, ErrnoFault
	}
	n := count
	if n > maxIovecs {
		n = maxIovecs
	}
	out := buf[:0]
	if uint32(cap(buf)) < n {
		out = make([][]byte, 0, n)
	}
	room := uint64(maxTransfer)
	for i := uint32(0); i < n; i++ {
		p := ptr + i*8
		b, ok := span(m, le32(m, p), le32(m, p+4))
		if !ok {
			return nil, ErrnoFault
		}
		if uint64(len(b)) > room {
			b = b[:room]
		}
		room -= uint64(len(b))
		out = append(out, b)
	}
	return out, ErrnoSuccess
}

// totalLen sums iovec lengths, at most maxTransfer for those of iovecs.
func totalLen(iov [][]byte) int64 {
	var t int64
	for _, b := range iov {
		t += int64(len(b))
	}
	return t
}

// maxPathLen is Linux's PATH_MAX. Longer paths (and symlink targets) would
// be ENAMETOOLONG in the kernel anyway; refusing them before copying keeps a
// guest from making us copy up to 4 GiB per call.
const maxPathLen = 4096

// guestString copies a guest path or symlink target out of guest memory.
// (UTF-8 validity is checked by checkPath for paths.)
func guestString(m []byte, ptr, n uint32) (string, Errno) {
	b, ok := span(m, ptr, n)
	if !ok {
		return "", ErrnoFault
	}
	if n > maxPathLen {
		return "", ErrnoNametoolong
	}
	return string(b), ErrnoSuccess
}
