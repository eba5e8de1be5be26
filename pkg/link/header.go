package link

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/internal/crc32c"
	"github.com/lucet-go/lucet/internal/sha256"
)

// The module header is the content of the section HeaderSection; the
// symbol lucet_module points at it. Every field is little endian:
//
//	  0  [8]byte  magic "LUCETMOD"
//	  8  uint32   object.FormatVersion
//	 12  uint32   abi.Version
//	 16  uint64   object.Feature* bits the code needs
//	 24  uint64   file offset of .text (also its virtual address)
//	 32  uint64   size of .text
//	 40  uint64   file offset of .lucet.meta
//	 48  uint64   size of .lucet.meta
//	 56  uint64   file offset of .lucet.data
//	 64  uint64   size of .lucet.data
//	 72  [64]byte the compiler's version (internal/version), NUL-padded
//	136  [32]byte checksum
//	168  uint32   crc
//	172  uint32   zero
//	176  [32]byte signer: the ed25519 public key that signed, or zeros
//	208  [64]byte signature, or zeros
//	272
//
// Both sums cover header bytes 0..136, then .text, .lucet.meta and
// .lucet.data, so the versions, features and section sizes are covered too
// and a flipped bit anywhere the loader reads is caught. The checksum is
// SHA-256, the module's identity (what lucet-objdump shows and verifies);
// crc is CRC-32C, which the loader verifies on every load: it catches the
// same corruption (truncation, flipped bits) at a tenth of the cost, which
// for a large module (a Go program's is tens of megabytes) is most of what
// starting it costs. The signature (see pkg/sign) covers the checksum, so
// it is added to or checked on a finished file without relinking.

// HeaderMagic starts the module header.
const HeaderMagic = "LUCETMOD"

// HeaderSize is the encoded size of Header.
const HeaderSize = 272

// summed is how much of the encoded header the sums cover.
const summed = 136

// CompilerSize is the space for the compiler version; a longer one is cut.
const CompilerSize = 64

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
	Compiler      string // the compiler's version, "" for none
	Checksum      [32]byte
	CRC           uint32
	Signer        [32]byte // ed25519 public key; zero when unsigned
	Signature     [64]byte // over SignedMessage(Checksum)
}

// Signed reports whether the header carries a signature.
func (h *Header) Signed() bool { return h.Signature != [64]byte{} }

// Encode returns the HeaderSize-byte encoding of h.
func (h *Header) Encode() []byte {
	var b [HeaderSize]byte
	h.put(&b)
	return b[:]
}

// put writes h's encoding into b. The sums encode the header into an
// array of their own, on the stack: Encode's allocation was, at every
// load, the first use of a heap size class in lucet-run (a fresh span, a
// page fault).
func (h *Header) put(dst *[HeaderSize]byte) {
	b := append(dst[:0], HeaderMagic...)
	b = binary.LittleEndian.AppendUint32(b, h.FormatVersion)
	b = binary.LittleEndian.AppendUint32(b, h.ABIVersion)
	for _, v := range []uint64{h.Features, h.TextOff, h.TextSize, h.MetaOff, h.MetaSize, h.DataOff, h.DataSize} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	var c [CompilerSize]byte
	copy(c[:], h.Compiler)
	b = append(b, c[:]...)
	b = append(b, h.Checksum[:]...)
	b = binary.LittleEndian.AppendUint32(b, h.CRC)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = append(b, h.Signer[:]...)
	_ = append(b, h.Signature[:]...)
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
	c := b[72 : 72+CompilerSize]
	if i := bytes.IndexByte(c, 0); i >= 0 {
		c = c[:i]
	}
	// Printable ASCII only: the version ends up in one-line errors.
	h.Compiler = printable(c)
	copy(h.Checksum[:], b[136:168])
	h.CRC = le.Uint32(b[168:])
	copy(h.Signer[:], b[176:208])
	copy(h.Signature[:], b[208:272])
	return h, nil
}

// printable returns c as a string with every byte outside printable
// ASCII replaced by '?'. A version that is printable already (every
// lucetc's) is copied once, without bytes.Map's buffer.
func printable(c []byte) string {
	for _, x := range c {
		if x < ' ' || x > '~' {
			return string(bytes.Map(func(r rune) rune {
				if r < ' ' || r > '~' {
					return '?'
				}
				return r
			}, c))
		}
	}
	return string(c)
}

// Checksum computes the SHA-256 of a module from its header (the sum
// fields are ignored) and its three sections.
func Checksum(h *Header, text, meta, data []byte) [32]byte {
	var hb [HeaderSize]byte
	h.put(&hb)
	s := sha256.New()
	s.Write(hb[:summed])
	s.Write(text)
	s.Write(meta)
	s.Write(data)
	var sum [32]byte
	s.Sum(sum[:0])
	return sum
}

// CRC computes the CRC-32C of a module from its header (the sum fields are
// ignored) and its three sections.
func CRC(h *Header, text, meta, data []byte) uint32 {
	// internal/crc32c, not hash/crc32: that builds tables on first use
	// (0.2 ms of every load) and at package initialisation.
	var hb [HeaderSize]byte
	h.put(&hb)
	c := crc32c.Update(0, hb[:summed])
	c = crc32c.Update(c, text)
	c = crc32c.Update(c, meta)
	return crc32c.Update(c, data)
}

// signContext prefixes the message an object's signature covers, so a
// signature made for anything else never verifies as one.
const signContext = "lucet object signature v1\x00"

// SignedMessage is what an object's ed25519 signature signs: a context
// string and the module's SHA-256 checksum, which covers every byte the
// loader reads (the signature fields excepted).
func SignedMessage(checksum [32]byte) []byte {
	return append([]byte(signContext), checksum[:]...)
}
