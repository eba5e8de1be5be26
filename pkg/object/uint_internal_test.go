package object

import (
	"encoding/binary"
	"errors"
	"testing"
)

// TestDecoderUint: the one-byte fast path and binary.Uvarint's path agree
// on every value class, a truncated or overlong varint fails as before,
// and after an error a read returns 0 without moving.
func TestDecoderUint(t *testing.T) {
	for _, v := range []uint64{0, 1, 0x7f, 0x80, 0xff, 0x3fff, 0x4000, 1 << 32, 1<<64 - 1} {
		b := binary.AppendUvarint(nil, v)
		b = append(b, 0x05) // a one-byte varint after it
		d := decoder{b: b}
		if got := d.uint(); got != v || d.pos != len(b)-1 || d.err != nil {
			t.Errorf("%#x: got %#x at %d, err %v", v, got, d.pos, d.err)
		}
		if got := d.uint(); got != 5 || d.pos != len(b) || d.err != nil {
			t.Errorf("%#x: second varint %d at %d, err %v", v, got, d.pos, d.err)
		}
		// At the end of the input: truncated.
		if got := d.uint(); got != 0 || !errors.Is(d.err, ErrMetaTruncated) {
			t.Errorf("%#x: read past the end: %d, err %v", v, got, d.err)
		}
	}
	// A varint cut short, and one of 11 bytes (over 64 bits).
	d := decoder{b: []byte{0x80, 0x80}}
	if got := d.uint(); got != 0 || !errors.Is(d.err, ErrMetaTruncated) {
		t.Errorf("cut short: %d, err %v", got, d.err)
	}
	d = decoder{b: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}}
	if got := d.uint(); got != 0 || d.err == nil {
		t.Errorf("overlong: %d, err %v", got, d.err)
	}
	// After an error, a one-byte varint is not read.
	d = decoder{b: []byte{0x07}, err: ErrMetaTruncated}
	if got := d.uint(); got != 0 || d.pos != 0 {
		t.Errorf("after an error: %d at %d", got, d.pos)
	}
}
