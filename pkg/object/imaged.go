package object

import (
	"iter"
	"math"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// imagedDatas are n data segments, each active, in the memory image
// (Data.InImage), for memory 0 at an i32.const offset with index 0, kept
// as the metadata encodes them: imagedHead, then the offset and the length
// as canonical uvarints of 32 bits. Canonical, so that re-encoding them
// writes enc unchanged; the decoder takes any other encoding, and any
// other segment, the general way (Meta.Datas).
type imagedDatas struct {
	n   int
	enc []byte
	// maxEnd is the largest offset plus length, for Check.
	maxEnd uint64
}

// imagedHead is the start of an imagedDatas segment's encoding: the mode
// byte, memory 0, the offset's opcode and its index 0.
var imagedHead = [4]byte{byte(wasm.SegmentActive) | dataInImage, 0, byte(wasm.OpI32Const), 0}

// The opcode must encode in one byte for imagedHead; this does not compile
// otherwise.
const _ = 0x7f - uint8(wasm.OpI32Const)

// imagedRun reports the length of the encoding of n segments of
// imagedDatas' shape at the start of b and the largest end among them, or
// -1 if b does not start with n of them.
func imagedRun(b []byte, n int) (int, uint64) {
	p, maxEnd := 0, uint64(0)
	for range n {
		if len(b)-p < len(imagedHead)+2 || [4]byte(b[p:p+4]) != imagedHead {
			return -1, 0
		}
		p += len(imagedHead)
		var v [2]uint64
		for k := range v {
			// A canonical uvarint of 32 bits: at most five bytes, the
			// last not zero unless it is the only one.
			var x uint64
			for s := uint(0); ; s += 7 {
				if p >= len(b) || s > 28 {
					return -1, 0
				}
				c := b[p]
				p++
				x |= uint64(c&0x7f) << s
				if c < 0x80 {
					if c == 0 && s != 0 || x > math.MaxUint32 {
						return -1, 0
					}
					break
				}
			}
			v[k] = x
		}
		maxEnd = max(maxEnd, v[0]+v[1])
	}
	return p, maxEnd
}

// uvarint32 decodes a uvarint that imagedRun has checked.
func uvarint32(b []byte, p int) (uint32, int) {
	var x uint32
	for s := uint(0); ; s += 7 {
		c := b[p]
		p++
		x |= uint32(c&0x7f) << s
		if c < 0x80 {
			return x, p
		}
	}
}

// NumDatas is the number of data segments.
func (m *Meta) NumDatas() int {
	if m.imaged.n > 0 {
		return m.imaged.n
	}
	return len(m.Datas)
}

// DataSegments yields m's data segments with their indices, in order,
// whichever form m holds them in (see Meta.Datas).
func (m *Meta) DataSegments() iter.Seq2[int, Data] {
	return func(yield func(int, Data) bool) {
		if m.imaged.n == 0 {
			for i := range m.Datas {
				if !yield(i, m.Datas[i]) {
					return
				}
			}
			return
		}
		b, p := m.imaged.enc, 0
		for i := range m.imaged.n {
			var off, n uint32
			off, p = uvarint32(b, p+len(imagedHead))
			n, p = uvarint32(b, p)
			if !yield(i, Data{Mode: wasm.SegmentActive, InImage: true, Offset: Const{Op: wasm.OpI32Const, Value: uint64(off)}, Len: n}) {
				return
			}
		}
	}
}

// HasPassiveData reports whether m has a passive data segment, without
// decoding segments m keeps encoded (all of them active).
func (m *Meta) HasPassiveData() bool {
	for i := range m.Datas {
		if m.Datas[i].Mode == wasm.SegmentPassive {
			return true
		}
	}
	return false
}

// ExpandDatas decodes data segments m keeps encoded into Datas, where
// they can be edited; it does nothing to a Meta whose segments are
// already there.
func (m *Meta) ExpandDatas() {
	if m.imaged.n == 0 {
		return
	}
	ds := make([]Data, 0, m.imaged.n)
	for _, d := range m.DataSegments() {
		ds = append(ds, d)
	}
	m.Datas, m.imaged = ds, imagedDatas{}
}
