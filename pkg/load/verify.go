package load

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/internal/edverify"
	"github.com/lucet-go/lucet/internal/version"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// What the loader checks beyond the file's integrity and the metadata's
// own consistency (object.Meta.Check): the host's policy, which an object
// does not get to choose, and, when asked, the object's signature.

// DefaultMaxReservation is the most address space a module compiled for
// guard-page bounds checks may ask to be reserved for each memory
// (reservation plus guard). lucetc's default is 4 GiB + 2 GiB; 16 GiB
// leaves room for lucetc's larger settings while keeping a crafted
// object from claiming the address space of thousands of instances.
const DefaultMaxReservation = 16 << 30

// Option configures File, FromFile and Bytes.
type Option func(*options)

type options struct {
	keys           [][]byte
	maxReservation uint64
	// read: read the file rather than map it (FileOrContents of a file
	// named .wasm, which is most likely to be one; see there).
	read bool
	// known: see Known.
	known func(FileID) *Module
}

func newOptions(opts []Option) *options {
	o := &options{maxReservation: DefaultMaxReservation}
	for _, f := range opts {
		f(o)
	}
	return o
}

// RequireSignature makes the loader refuse any object that is not signed
// by one of keys: unsigned, signed by another key, or changed after
// signing. With no keys every object is refused. Each key is a 32-byte
// ed25519 public key (an ed25519.PublicKey is one; a key of another
// length is trusted by nothing). The signature is checked by
// internal/edverify, which accepts what crypto/ed25519.Verify accepts
// without linking it: its package initialisation cost every lucet-run
// start, signature or not.
func RequireSignature(keys ...[]byte) Option {
	return func(o *options) {
		o.keys = append(o.keys, keys...)
		if o.keys == nil {
			o.keys = [][]byte{}
		}
	}
}

// MaxReservation sets the most address space (reservation plus guard) a
// guard-page module may have reserved for each memory; default
// DefaultMaxReservation.
func MaxReservation(bytes uint64) Option {
	return func(o *options) { o.maxReservation = bytes }
}

// Errors wrapped by the loader's refusals, for errors.Is.
var (
	ErrUnsigned     = errors.New("object is not signed")
	ErrUntrustedKey = errors.New("object is signed by a key that is not trusted")
	ErrBadSignature = errors.New("object signature does not verify")
	ErrPolicy       = errors.New("object asks for more than this host allows")
	// ErrNotELF: the file is not an ELF file at all (a .wasm, a text file).
	ErrNotELF = errors.New("not an ELF file")
)

// verify runs the host's checks on a parsed file b. The signature, when
// required, parseSigned has checked already.
func (o *options) verify(p *Image, b []byte) error {
	if err := o.policy(p.Meta); err != nil {
		return err
	}
	return checkDataImage(p.Meta, p.Data)
}

// verifySignature checks the file's full SHA-256 (the CRC is all an
// ordinary load checks) over h and the parts it locates, and the signature
// over that sum.
func verifySignature(h *link.Header, text, meta, data []byte, keys [][]byte) error {
	if !h.Signed() {
		return ErrUnsigned
	}
	trusted := false
	for _, k := range keys {
		if len(k) == edverify.PublicKeySize && bytes.Equal(k, h.Signer[:]) {
			trusted = true
		}
	}
	if !trusted {
		// Copies, so that h (parseSigned's, on its stack) does not
		// escape through the message.
		signer := h.Signer
		return fmt.Errorf("%w (signer %x…)", ErrUntrustedKey, signer[:8])
	}
	sum := link.Checksum(h, text, meta, data)
	if sum != h.Checksum {
		rec := h.Checksum
		return fmt.Errorf("%w: checksum mismatch (recorded sha256 %x…, computed %x…)", ErrBadSignature, rec[:6], sum[:6])
	}
	if !edverify.Verify(h.Signer[:], link.SignedMessage(h.Checksum), h.Signature[:]) {
		return ErrBadSignature
	}
	return nil
}

// policy checks what the object asks of the host against the host's own
// limits rather than taking it on trust.
func (o *options) policy(m *object.Meta) error {
	if m.Bounds == object.BoundsGuard && (m.MemReserve > o.maxReservation || m.MemGuard > o.maxReservation-m.MemReserve) {
		return fmt.Errorf("%w: a reservation of %#x bytes plus %#x of guard per memory (at most %#x)", ErrPolicy, m.MemReserve, m.MemGuard, o.maxReservation)
	}
	return nil
}

// checkDataImage checks that a complete data image fits the initial size
// of a memory 0 the module defines, as the runtime that applies it expects,
// and that the image and the metadata agree on who holds the active data
// segments (object.Data.InImage): the image whenever it is complete and
// not empty, and only when it is complete. (Meta.Check has checked each such segment's place.)
func checkDataImage(m *object.Meta, img *link.DataImage) error {
	complete := img != nil && img.Complete
	in := m.InImage()
	if in && !complete {
		return fmt.Errorf("data segments stored in a memory image the object lacks (no complete image)")
	}
	if !in && complete && len(img.Pages) > 0 {
		for i, d := range m.DataSegments() {
			if d.Mode == wasm.SegmentActive {
				return fmt.Errorf("data segment %d stored both in the metadata and in a complete memory image", i)
			}
		}
		return fmt.Errorf("a memory image of %d pages but no active data segment", len(img.Pages))
	}
	if !complete || len(img.Pages) == 0 {
		return nil
	}
	if len(m.Mems) == 0 {
		return fmt.Errorf("data image for a module without a memory of its own")
	}
	for i := range m.Imports {
		if m.Imports[i].Kind == wasm.ExternMemory {
			return fmt.Errorf("data image for an imported memory")
		}
	}
	size := m.Mems[0].Limits.Min * wasm.PageSize
	for i, pg := range img.Pages {
		if pg.MemOffset > size || uint64(len(pg.Bytes)) > size-pg.MemOffset {
			return fmt.Errorf("data image: page %d at %#x outside the %#x-byte initial memory", i, pg.MemOffset, size)
		}
	}
	return nil
}

// versionError is the refusal of a file whose format or ABI version is not
// this build's; it names the compiler that wrote it (as far as the header
// says) and this runtime, since recompiling is the answer.
func versionError(hdr []byte, what string, got, want uint32) error {
	by := "an older lucetc"
	if h, err := link.DecodeHeader(hdr); err == nil && h.FormatVersion >= 6 && h.Compiler != "" {
		by = "lucetc " + h.Compiler
	}
	return fmt.Errorf("%s version %d (compiled by %s), this runtime (lucet %s) reads %d: recompile with this lucetc", what, got, by, version.Get(), want)
}
