package decode_test

import (
	"errors"
	"testing"

	"github.com/lucet-go/lucet/pkg/decode"
)

func addSeeds(f *testing.F) {
	for _, b := range smallModules(f) {
		f.Add(b)
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
}

// FuzzDecode: Decode never panics, and every failure is a *decode.Error
// whose offset lies within the input.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			var de *decode.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *decode.Error: %v", err, err)
			}
			if de.Offset < 0 || de.Offset > len(b) {
				t.Fatalf("error offset %d outside input of %d bytes: %v", de.Offset, len(b), err)
			}
			return
		}
		for i, c := range m.Codes {
			if c.BodyOffset+len(c.Body) > len(b) || len(c.Body) == 0 || c.Body[len(c.Body)-1] != 0x0b {
				t.Fatalf("code %d: body [%d:+%d] not within input or not ending with end", i, c.BodyOffset, len(c.Body))
			}
		}
	})
}

// FuzzDecodeValidate: decode then validate never panic.
func FuzzDecodeValidate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeValidate(b)
	})
}
