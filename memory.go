package lucet

import (
	"encoding/binary"
	"math"

	"github.com/lucet-go/lucet/pkg/execute"
)

// Memory is an instance's linear memory. Every accessor checks its bounds
// and reports ok=false (writing nothing) when the range does not lie
// inside the memory: a guest-supplied offset can never reach the host.
//
// A slice from Read aliases the memory: it is valid until the guest grows
// the memory or the instance is closed; copy what must outlive that. A
// slice kept past that point is not checked: a pool reuses the memory for
// its next instance, so the slice may show that tenant's data, or fault
// once the mapping is gone. ReadString and the typed readers copy.
// Memory is used from the goroutine that calls into the instance (or from
// its host functions). Like an Instance it is a handle: once its instance
// is closed it is empty (every access out of bounds), whatever instance
// the pool makes next in its place. The zero Memory is empty.
type Memory struct {
	s   *slot
	gen uint64
	m   *execute.Memory
}

// bytes is the memory as it is now; an empty Memory (an instance without
// one, or closed) has none, so every access to it is out of bounds.
func (m Memory) bytes() []byte {
	if m.m == nil || m.s.gen.Load() != m.gen {
		return nil
	}
	return m.m.Bytes()
}

// Size is the memory's current size in bytes.
func (m Memory) Size() uint64 { return uint64(len(m.bytes())) }

// Pages is the current size in 64 KiB pages.
func (m Memory) Pages() uint32 {
	if m.m == nil || m.s.gen.Load() != m.gen {
		return 0
	}
	return m.m.Pages()
}

// Grow adds pages and returns the old size in pages; ok is false when that
// would pass the memory's maximum or the pool's memory limit.
func (m Memory) Grow(pages uint32) (old uint32, ok bool) {
	if m.m == nil || m.s.gen.Load() != m.gen {
		return 0, false
	}
	return m.m.Grow(pages)
}

// span returns memory[off:off+n], or ok=false if it is out of bounds.
func (m Memory) span(off, n uint32) ([]byte, bool) {
	b := m.bytes()
	end := uint64(off) + uint64(n)
	if end > uint64(len(b)) {
		return nil, false
	}
	return b[off:end:end], true
}

// Read returns a view of n bytes at off (not a copy; see Memory for how
// long it stays valid).
func (m Memory) Read(off, n uint32) ([]byte, bool) { return m.span(off, n) }

// ReadString returns a copy of n bytes at off as a string.
func (m Memory) ReadString(off, n uint32) (string, bool) {
	b, ok := m.span(off, n)
	return string(b), ok
}

// Write copies b to off.
func (m Memory) Write(off uint32, b []byte) bool {
	if uint64(len(b)) > math.MaxUint32 {
		return false
	}
	d, ok := m.span(off, uint32(len(b)))
	if ok {
		copy(d, b)
	}
	return ok
}

// WriteString copies s to off.
func (m Memory) WriteString(off uint32, s string) bool {
	if uint64(len(s)) > math.MaxUint32 {
		return false
	}
	d, ok := m.span(off, uint32(len(s)))
	if ok {
		copy(d, s)
	}
	return ok
}

// ReadUint8 reads the byte at off.
func (m Memory) ReadUint8(off uint32) (uint8, bool) {
	b, ok := m.span(off, 1)
	if !ok {
		return 0, false
	}
	return b[0], true
}

// WriteUint8 writes the byte at off.
func (m Memory) WriteUint8(off uint32, v uint8) bool {
	b, ok := m.span(off, 1)
	if ok {
		b[0] = v
	}
	return ok
}

// ReadUint32Le reads a little-endian uint32 (wasm's byte order) at off.
func (m Memory) ReadUint32Le(off uint32) (uint32, bool) {
	b, ok := m.span(off, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// WriteUint32Le writes v little-endian at off.
func (m Memory) WriteUint32Le(off uint32, v uint32) bool {
	b, ok := m.span(off, 4)
	if ok {
		binary.LittleEndian.PutUint32(b, v)
	}
	return ok
}

// ReadUint64Le reads a little-endian uint64 at off.
func (m Memory) ReadUint64Le(off uint32) (uint64, bool) {
	b, ok := m.span(off, 8)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

// WriteUint64Le writes v little-endian at off.
func (m Memory) WriteUint64Le(off uint32, v uint64) bool {
	b, ok := m.span(off, 8)
	if ok {
		binary.LittleEndian.PutUint64(b, v)
	}
	return ok
}

// ReadFloat64Le reads a little-endian float64 at off.
func (m Memory) ReadFloat64Le(off uint32) (float64, bool) {
	v, ok := m.ReadUint64Le(off)
	return math.Float64frombits(v), ok
}

// WriteFloat64Le writes v little-endian at off.
func (m Memory) WriteFloat64Le(off uint32, v float64) bool {
	return m.WriteUint64Le(off, math.Float64bits(v))
}
