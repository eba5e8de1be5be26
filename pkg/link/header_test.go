package link

import (
	"crypto/sha256"
	"testing"

	"github.com/lucet-go/lucet/internal/crc32c"
)

// TestHeaderRoundTrip: DecodeHeader(Encode(h)) is h, with a compiler
// version outside printable ASCII turned into '?'s (it ends up in
// one-line errors) and a printable one kept as it is.
func TestHeaderRoundTrip(t *testing.T) {
	h := Header{FormatVersion: 7, ABIVersion: 3, Features: 0x1d, TextOff: 0x1000, TextSize: 0x2345,
		MetaOff: 0x4000, MetaSize: 0x99, DataOff: 0x5000, DataSize: 0x10, Compiler: "lucetc v1.2 (go1.26)", CRC: 0xdeadbeef}
	for i := range h.Checksum {
		h.Checksum[i] = byte(i)
	}
	h.Signer[3], h.Signature[60] = 1, 2
	b := h.Encode()
	if len(b) != HeaderSize {
		t.Fatalf("Encode: %d bytes, want %d", len(b), HeaderSize)
	}
	got, err := DecodeHeader(b)
	if err != nil || got != h {
		t.Errorf("DecodeHeader(Encode(h)) = %+v, %v; want %+v", got, err, h)
	}
	h.Compiler = "bad\tversion\x7f\xff"
	got, err = DecodeHeader(h.Encode())
	if want := "bad?version??"; err != nil || got.Compiler != want {
		t.Errorf("compiler %q decoded as %q, %v; want %q", h.Compiler, got.Compiler, err, want)
	}
}

// TestSumsCoverHeaderPrefix: CRC and Checksum sum the first 136 bytes of
// the encoded header, then the sections, and allocate nothing for the
// header (CRC runs on every load).
func TestSumsCoverHeaderPrefix(t *testing.T) {
	h := Header{FormatVersion: 1, ABIVersion: 2, TextSize: 3, Compiler: "x", CRC: 5, Checksum: [32]byte{9}}
	text, meta, data := []byte("text"), []byte("meta"), []byte("data")
	enc := h.Encode()[:summed]
	crc := crc32c.Update(crc32c.Update(crc32c.Update(crc32c.Update(0, enc), text), meta), data)
	if got := CRC(&h, text, meta, data); got != crc {
		t.Errorf("CRC = %08x, want %08x", got, crc)
	}
	s := sha256.New()
	for _, p := range [][]byte{enc, text, meta, data} {
		s.Write(p)
	}
	if got, want := Checksum(&h, text, meta, data), [32]byte(s.Sum(nil)); got != want {
		t.Errorf("Checksum = %x, want %x", got, want)
	}
	if n := testing.AllocsPerRun(10, func() { CRC(&h, text, meta, data) }); n != 0 {
		t.Errorf("CRC allocates %v times, want 0", n)
	}
}
