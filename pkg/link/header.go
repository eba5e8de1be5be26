package link

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// The module header is the content of the section HeaderSection; the
// symbol lucet_module points at it. Every field is little endian:
//
//	 0  [8]byte  magic "LUCETMOD"
//	 8  uint32   object.FormatVersion
//	12  uint32   abi.Version
//	16  uint64   object.Feature* bits the code needs
//	24  uint64   file offset of .text (also its virtual address)
//	32  uint64   size of .text
//	40  uint64   file offset of .lucet.meta
//	48  uint64   size of .lucet.meta
//	56  uint64   file offset of .lucet.data
//	64  uint64   size of .lucet.data
//	72  [32]byte checksum
//	104 uint32   crc
//	108 uint32   zero
//	112
//
// Both sums cover header bytes 0..72, then .text, .lucet.meta and
// .lucet.data, so the versions, features and section sizes are covered too
// and a flipped bit anywhere the loader reads is caught. The checksum is
// SHA-256, the module's identity (what lucet-objdump shows and verifies);
// crc is CRC-32C, which the loader verifies on every load: it catches the
// same corruption (truncation, flipped bits) at a tenth of the cost, which
// for a large module (a Go program's is tens of megabytes) is most of what
// starting it costs.

// HeaderMagic starts the module header.
const HeaderMagic = "LUCETMOD"

// HeaderSize is the encoded size of Header.
const HeaderSize = 112

// HeaderSection names the section that holds the module header.
const HeaderSection = ".lucet.header"

// Header is the decoded module header.
type Header struct {
	FormatVersion uint32
	ABIVersion    uint32
	Features      uint64
	TextOff       uint64
	TextSize      uint64
	MetaOff       uint64
	MetaSize      uint64
	DataOff       uint64
	DataSize      uint64
	Checksum      [32]byte
	CRC           uint32
}

// Encode returns the HeaderSize-byte encoding of h.
func (h *Header) Encode() []byte {
	b := make([]byte, 0, HeaderSize)
	b = append(b, HeaderMagic...)
	b = binary.LittleEndian.AppendUint32(b, h.FormatVersion)
	b = binary.LittleEndian.AppendUint32(b, h.ABIVersion)
	for _, v := range []uint64{h.Features, h.TextOff, h.TextSize, h.MetaOff, h.MetaSize, h.DataOff, h.DataSize} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	b = append(b, h.Checksum[:]...)
	b = binary.LittleEndian.AppendUint32(b, h.CRC)
	return binary.LittleEndian.AppendUint32(b, 0)
}

// ErrNotHeader is returned by DecodeHeader for bytes without the magic.
var ErrNotHeader = errors.New("no lucet module header")

// DecodeHeader decodes a module header. It checks only the size and magic;
// the loader checks versions, ranges and the checksum.
func DecodeHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < HeaderSize {
		return h, fmt.Errorf("module header: %d bytes, want %d", len(b), HeaderSize)
	}
	if string(b[:8]) != HeaderMagic {
		return h, ErrNotHeader
	}
	le := binary.LittleEndian
	h.FormatVersion = le.Uint32(b[8:])
	h.ABIVersion = le.Uint32(b[12:])
	h.Features = le.Uint64(b[16:])
	h.TextOff = le.Uint64(b[24:])
	h.TextSize = le.Uint64(b[32:])
	h.MetaOff = le.Uint64(b[40:])
	h.MetaSize = le.Uint64(b[48:])
	h.DataOff = le.Uint64(b[56:])
	h.DataSize = le.Uint64(b[64:])
	copy(h.Checksum[:], b[72:104])
	h.CRC = le.Uint32(b[104:])
	return h, nil
}

// Checksum computes the SHA-256 of a module from its header (the sum
// fields are ignored) and its three sections.
func Checksum(h *Header, text, meta, data []byte) [32]byte {
	s := sha256.New()
	s.Write(h.Encode()[:72])
	s.Write(text)
	s.Write(meta)
	s.Write(data)
	var sum [32]byte
	s.Sum(sum[:0])
	return sum
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC computes the CRC-32C of a module from its header (the sum fields are
// ignored) and its three sections.
func CRC(h *Header, text, meta, data []byte) uint32 {
	c := crc32.Update(0, castagnoli, h.Encode()[:72])
	c = crc32.Update(c, castagnoli, text)
	c = crc32.Update(c, castagnoli, meta)
	return crc32.Update(c, castagnoli, data)
}
