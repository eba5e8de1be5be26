package object

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/lucet-go/lucet/internal/fresh"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// metaMagic starts every encoded Meta, so a stray byte range is refused
// before any field is interpreted.
var metaMagic = [4]byte{'L', 'M', 'E', 'T'}

// The encoding is: magic, uvarint FormatVersion, then every field of Meta in
// declaration order. Integers are uvarints (signed ones zigzag varints),
// strings and byte slices are a uvarint length then the bytes, slices a
// uvarint count then the elements. The site table, the bulk of the
// metadata (one entry per call and trap site), is the exception: after its
// count, zero bytes pad to a multiple of 4 from the start of the encoding,
// then each entry is 16 bytes, little endian — u32 code offset, u8 trap
// code, 3 zero bytes, u32 function, u32 wasm offset — the in-memory layout
// of Site, so a loader can use the table where it lies instead of decoding
// it (see UnmarshalAliased).
//
// FormatVersion is written before anything else so that a future decoder
// can switch on it; this one accepts only its own version.

// MarshalBinary encodes m. It fails only on values the encoding cannot
// represent faithfully (a FormatVersion other than this package's).
func (m *Meta) MarshalBinary() ([]byte, error) { return m.marshal(false) }

// MarshalInImage is MarshalBinary of m with every active data segment
// stored as InImage (its length instead of its bytes), for a linker that
// put them all in the object's memory image: the encoding of a copy of m
// with its Datas so marked, without making that copy (a big module has
// tens of thousands of segments).
func (m *Meta) MarshalInImage() ([]byte, error) { return m.marshal(true) }

func (m *Meta) marshal(inImage bool) ([]byte, error) {
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("object: marshal: meta has format version %d, this build writes %d", m.FormatVersion, FormatVersion)
	}
	e := encoder{b: make([]byte, 0, 256+16*len(m.Sites)+totalDataLen(m, inImage)+globalsLen(m))}
	fresh.HugeCap(e.b) // megabytes for a big module, written once
	e.b = append(e.b, metaMagic[:]...)
	e.uint(uint64(m.FormatVersion))
	e.uint(uint64(m.ABIVersion))
	e.uint(m.Features)
	e.uint(uint64(m.Bounds))
	e.uint(m.MemReserve)
	e.uint(m.MemGuard)
	if m.Fuel {
		e.uint(1)
	} else {
		e.uint(0)
	}
	e.str(m.ModuleName)

	e.uint(uint64(len(m.Types)))
	for _, t := range m.Types {
		e.valTypes(t.Params)
		e.valTypes(t.Results)
	}
	e.uint(uint64(len(m.Imports)))
	for i := range m.Imports {
		im := &m.Imports[i]
		e.str(im.Module)
		e.str(im.Name)
		e.byte(byte(im.Kind))
		switch im.Kind {
		case wasm.ExternFunc:
			e.uint(uint64(im.Type))
		case wasm.ExternTable:
			e.tableType(im.Table)
		case wasm.ExternMemory:
			e.limits(im.Mem.Limits)
		case wasm.ExternGlobal:
			e.globalType(im.Global)
		default:
			return nil, fmt.Errorf("object: marshal: import %d has unknown kind %d", i, im.Kind)
		}
	}
	e.uint(uint64(len(m.Funcs)))
	for _, f := range m.Funcs {
		e.uint(uint64(f.TypeIndex))
		e.str(f.Name)
		e.uint(uint64(f.CodeOffset))
		e.uint(uint64(f.CodeSize))
	}
	e.uint(uint64(len(m.Tables)))
	for i, t := range m.Tables {
		e.tableType(t)
		e.bool(i < len(m.FixedTables) && m.FixedTables[i])
	}
	e.uint(uint64(len(m.Mems)))
	for _, mt := range m.Mems {
		e.limits(mt.Limits)
	}
	e.uint(uint64(len(m.Globals)))
	for i := range m.Globals {
		e.globalType(m.Globals[i].Type)
		e.constExpr(&m.Globals[i].Init)
	}
	e.uint(uint64(len(m.Exports)))
	for _, x := range m.Exports {
		e.str(x.Name)
		e.byte(byte(x.Kind))
		e.uint(uint64(x.Index))
	}
	e.int(m.Start)
	e.uint(uint64(len(m.Elems)))
	for i := range m.Elems {
		el := &m.Elems[i]
		e.byte(byte(el.Mode))
		e.uint(uint64(el.Table))
		e.constExpr(&el.Offset)
		e.byte(byte(el.Type))
		e.int(int64(el.Offset0))
		e.uint(uint64(len(el.Init)))
		for j := range el.Init {
			e.constExpr(&el.Init[j])
		}
	}
	if m.imaged.n > 0 && len(m.Datas) > 0 {
		return nil, errBothDatas
	}
	e.uint(uint64(m.NumDatas()))
	e.b = append(e.b, m.imaged.enc...) // canonical: as encoding each would write it
	for i := range m.Datas {
		d := &m.Datas[i]
		imaged, n := d.InImage, d.Len
		if inImage && d.Mode == wasm.SegmentActive && !imaged {
			imaged, n = true, uint32(len(d.Init))
		} else if imaged && len(d.Init) != 0 {
			return nil, fmt.Errorf("object: marshal: data %d: in the image and %d bytes of its own", i, len(d.Init))
		}
		if imaged {
			e.byte(byte(d.Mode) | dataInImage)
		} else {
			e.byte(byte(d.Mode))
		}
		e.uint(uint64(d.Mem))
		e.uint(uint64(d.Offset.Op))
		e.uint(uint64(d.Offset.Index))
		e.uint(d.Offset.Value)
		if imaged {
			e.uint(uint64(n))
		} else {
			e.bytes(d.Init)
		}
	}
	e.uint(uint64(len(m.EntryStubs)))
	for _, s := range m.EntryStubs {
		e.stub(s)
	}
	e.uint(uint64(len(m.ImportStubs)))
	for _, s := range m.ImportStubs {
		e.stub(s)
	}
	e.uint(uint64(len(m.Sites)))
	for len(e.b)%siteAlign != 0 {
		e.byte(0)
	}
	for _, s := range m.Sites {
		e.b = binary.LittleEndian.AppendUint32(e.b, s.CodeOffset)
		e.b = append(e.b, byte(s.Code), 0, 0, 0)
		e.b = binary.LittleEndian.AppendUint32(e.b, s.Func)
		e.b = binary.LittleEndian.AppendUint32(e.b, s.WasmOffset)
	}
	e.uint(uint64(len(m.Labels)))
	for _, l := range m.Labels {
		e.str(l.Name)
		e.uint(uint64(l.Offset))
		e.uint(uint64(l.Size))
	}
	return e.b, nil
}

func totalDataLen(m *Meta, inImage bool) int {
	n := len(m.imaged.enc)
	for i := range m.Datas {
		n += 16
		if !inImage || m.Datas[i].Mode != wasm.SegmentActive {
			n += len(m.Datas[i].Init)
		}
	}
	return n
}

// globalsLen is about what the globals take encoded (a dozen bytes and
// the expression's code each). Without it the buffer grew by doubling
// through a module of 1M globals, 16 MB of them, which cost 0.45 s of a
// 1.2 s compile in copying.
func globalsLen(m *Meta) int {
	n := 0
	for i := range m.Globals {
		n += 16 + len(m.Globals[i].Init.Code)
	}
	return n
}

type encoder struct{ b []byte }

func (e *encoder) byte(v byte)    { e.b = append(e.b, v) }
func (e *encoder) uint(v uint64)  { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)    { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)   { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) bytes(s []byte) { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

// stub writes NoStub as 0 and every real offset as offset+1, so the common
// "no stub" costs one byte instead of five.
func (e *encoder) stub(s uint32) {
	if s == NoStub {
		e.uint(0)
	} else {
		e.uint(uint64(s) + 1)
	}
}

func (e *encoder) valTypes(ts []wasm.ValType) {
	e.uint(uint64(len(ts)))
	for _, t := range ts {
		e.byte(byte(t))
	}
}

func (e *encoder) limits(l wasm.Limits) {
	if l.HasMax {
		e.byte(1)
		e.uint(l.Min)
		e.uint(l.Max)
	} else {
		e.byte(0)
		e.uint(l.Min)
	}
}

func (e *encoder) tableType(t wasm.TableType) {
	e.byte(byte(t.Elem))
	e.limits(t.Limits)
}

func (e *encoder) globalType(t wasm.GlobalType) {
	e.byte(byte(t.Type))
	e.bool(t.Mutable)
}

func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

// errBothDatas refuses a Meta that keeps data segments encoded (see
// Meta.Datas) and has others put in Datas beside them.
var errBothDatas = errors.New("data segments both kept encoded and in Datas (ExpandDatas before editing them)")

// dataInImage is set in a data segment's mode byte for Data.InImage; the
// segment's length then takes the place of its bytes.
const dataInImage = 0x80

// Constant-expression flags: which optional parts follow.
const (
	ceNonConst = 1 << 0
	ceV128     = 1 << 1
	ceCode     = 1 << 2
)

func (e *encoder) constExpr(c *wasm.ConstExpr) {
	flags := byte(0)
	if c.NonConst {
		flags |= ceNonConst
	}
	if c.V128 != ([16]byte{}) {
		flags |= ceV128
	}
	if c.Code != nil {
		flags |= ceCode
	}
	e.byte(flags)
	e.uint(uint64(c.Op))
	e.uint(c.Value)
	e.uint(uint64(c.Index))
	e.byte(byte(c.Type))
	e.int(int64(c.Offset))
	e.int(int64(c.NumInstrs))
	if flags&ceV128 != 0 {
		e.b = append(e.b, c.V128[:]...)
	}
	if flags&ceCode != 0 {
		e.bytes(c.Code)
	}
}

// ErrMetaTruncated is wrapped by UnmarshalBinary when the input ends early.
var ErrMetaTruncated = errors.New("truncated")

// UnmarshalBinary decodes b into m, replacing its contents. It never
// panics, and it checks every count against the bytes left before
// allocating, so hostile input cannot make it allocate more than a small
// multiple of len(b). Nothing in m aliases b.
func (m *Meta) UnmarshalBinary(b []byte) error { return m.unmarshal(b, false) }

// UnmarshalAliased is UnmarshalBinary for a b that outlives m and never
// changes (a loaded module's mapping): the site table and the data
// segments' bytes are used where they lie in b rather than copied, which
// for a large module saves most of the decoding and the allocation. m
// must not be modified through them (b may be read-only memory).
func (m *Meta) UnmarshalAliased(b []byte) error { return m.unmarshal(b, true) }

func (m *Meta) unmarshal(b []byte, alias bool) error {
	d := decoder{b: b, alias: alias}
	var out Meta
	d.decodeMeta(&out)
	if d.err != nil {
		return fmt.Errorf("object: meta: %w", d.err)
	}
	if d.pos != len(d.b) {
		return fmt.Errorf("object: meta: %d trailing bytes", len(d.b)-d.pos)
	}
	*m = out
	return nil
}

type decoder struct {
	b     []byte
	pos   int
	err   error
	alias bool // may leave slices pointing into b
	// what names the field being decoded, for the error message.
	what string
	// strs is the chunk the decoded strings are cut from (see str).
	strs []byte
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%s at byte %d: %s", d.what, d.pos, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) left() int { return len(d.b) - d.pos }

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.b) {
		d.err = fmt.Errorf("%s at byte %d: %w", d.what, d.pos, ErrMetaTruncated)
		return 0
	}
	v := d.b[d.pos]
	d.pos++
	return v
}

func (d *decoder) uint() uint64 {
	// Most varints are one byte (lengths, indices, offsets in small
	// functions): they are taken here, binary.Uvarint and its checks
	// run for the rest (~60 instructions per u32 of lucet-run hello.so's
	// metadata before, callgrind).
	if b := d.b; uint(d.pos) < uint(len(b)) && b[d.pos] < 0x80 && d.err == nil {
		d.pos++
		return uint64(b[d.pos-1])
	}
	return d.uintSlow()
}

// uintSlow is uint for a varint of more than one byte, or at the end of
// the input, or after an error.
func (d *decoder) uintSlow() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		if n == 0 {
			d.err = fmt.Errorf("%s at byte %d: %w", d.what, d.pos, ErrMetaTruncated)
		} else {
			d.fail("varint overflows 64 bits")
		}
		return 0
	}
	d.pos += n
	return v
}

// int reads a signed varint: binary.Varint is the zig-zag form of a
// Uvarint, so the checks of uint serve both.
func (d *decoder) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *decoder) u32() uint32 {
	v := d.uint()
	if v > math.MaxUint32 {
		d.fail("value %d does not fit 32 bits", v)
		return 0
	}
	return uint32(v)
}

// intField decodes a signed value that Go stores as int (wasm offsets).
func (d *decoder) intField() int {
	v := d.int()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("value %d out of range", v)
		return 0
	}
	return int(v)
}

// count decodes an element count and checks that at least minSize bytes
// per element remain, which bounds every allocation by the input size.
func (d *decoder) count(minSize int) int {
	v := d.uint()
	if d.err != nil {
		return 0
	}
	if v > uint64(d.left()/minSize) {
		d.err = fmt.Errorf("%s at byte %d: count %d exceeds the %d bytes left: %w", d.what, d.pos, v, d.left(), ErrMetaTruncated)
		return 0
	}
	return int(v)
}

// entries is count for a list of the module's own (types, imports,
// functions, ...), which may also hold no more than the decoder accepts of
// a .wasm module (decode.DefaultLimits), so no more than lucetc writes.
// The bytes left alone let a list cost up to 26 times its encoding (an
// import takes 4 bytes and 104 in memory, a type 2 and 48): a crafted 1 GiB
// object asked for 26 GiB before any check, a signature's included, could
// refuse it, and the process died of it.
func (d *decoder) entries(minSize int, most uint32) int {
	n := d.count(minSize)
	if uint64(n) > uint64(most) {
		d.fail("%d entries, past the %d a module may have", n, most)
		return 0
	}
	return n
}

func (d *decoder) raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > d.left() {
		d.err = fmt.Errorf("%s at byte %d: %w", d.what, d.pos, ErrMetaTruncated)
		return nil
	}
	s := d.b[d.pos : d.pos+n]
	d.pos += n
	return s
}

// The chunks str cuts strings from start at strChunkMin bytes and double
// up to strChunkMax; a string of strChunkMin bytes or more is allocated
// on its own.
const (
	strChunkMin = 512
	strChunkMax = 16 << 10
)

// str decodes a string. The metadata's strings (names of imports,
// functions, exports and labels: 49 for hello world, thousands for a large
// module) are copied into shared chunks rather than allocated one each
// (load.File of gobig.so: 64 allocations instead of 2442; hello.so 57
// instead of 127). A chunk's bytes are never written again once a
// string is cut from them (a full chunk is replaced, never grown), so the
// strings are immutable as Go requires; a string keeps its whole chunk
// alive, as the metadata does anyway.
func (d *decoder) str() string {
	b := d.raw(d.count(1))
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(d.strs)-len(d.strs) {
		if len(b) >= strChunkMin {
			return string(b)
		}
		// No chunk larger than what is left to decode could need.
		d.strs = make([]byte, 0, min(max(2*cap(d.strs), strChunkMin), strChunkMax, d.left()+len(b)))
	}
	start := len(d.strs)
	d.strs = append(d.strs, b...)
	return unsafe.String(&d.strs[start], len(b))
}

func (d *decoder) bytes() []byte {
	n := d.count(1)
	if d.err != nil {
		return nil
	}
	if d.alias {
		r := d.raw(n)
		return r[:n:n]
	}
	out := make([]byte, n)
	copy(out, d.raw(n))
	return out
}

func (d *decoder) stub() uint32 {
	v := d.uint()
	if v == 0 {
		return NoStub
	}
	if v-1 >= uint64(NoStub) {
		d.fail("stub offset %d out of range", v-1)
		return NoStub
	}
	return uint32(v - 1)
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("bad boolean")
	return false
}

func (d *decoder) valType() wasm.ValType {
	t := wasm.ValType(d.byte())
	switch t {
	case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
		return t
	}
	if d.err == nil {
		d.pos--
		d.fail("bad value type 0x%02x", byte(t))
	}
	return 0
}

func (d *decoder) refType() wasm.ValType {
	t := d.valType()
	if d.err == nil && !t.IsRef() {
		d.fail("%s is not a reference type", t)
	}
	return t
}

// valTypes decodes a list of value types, cut from *block while it has
// room (see typeBlock) and allocated on its own otherwise.
func (d *decoder) valTypes(block *[]wasm.ValType) []wasm.ValType {
	n := d.count(1)
	if d.err != nil || n == 0 {
		return nil
	}
	var ts []wasm.ValType
	if n <= len(*block) {
		// Capped, so that an append to one list cannot overwrite the next.
		ts, *block = (*block)[:n:n], (*block)[n:]
	} else {
		ts = make([]wasm.ValType, n)
	}
	for i := range ts {
		ts[i] = d.valType()
	}
	return ts
}

// typeBlock returns one slice with room for the value types of the n
// function types that follow, counted by a pass over them that checks
// nothing else, so that their 2n lists are one allocation instead of one
// each (lucet-run hello.so: 13 types, 26 lists, about half of the load's
// allocations). A pass that runs into an error returns an empty block and
// leaves reporting it to the decoding, which then allocates each list.
func (d *decoder) typeBlock(n int) []wasm.ValType {
	pos, total := d.pos, 0
	for i := 0; i < 2*n && d.err == nil; i++ {
		k := d.count(1)
		d.raw(k)
		total += k
	}
	if d.err != nil {
		d.err, total = nil, 0
	}
	d.pos = pos
	if total == 0 {
		return nil
	}
	return make([]wasm.ValType, total)
}

func (d *decoder) limits() wasm.Limits {
	var l wasm.Limits
	l.HasMax = d.bool()
	l.Min = d.uint()
	if l.HasMax {
		l.Max = d.uint()
	}
	return l
}

func (d *decoder) tableType() wasm.TableType {
	var t wasm.TableType
	t.Elem = d.refType()
	t.Limits = d.limits()
	return t
}

func (d *decoder) globalType() wasm.GlobalType {
	var t wasm.GlobalType
	t.Type = d.valType()
	t.Mutable = d.bool()
	return t
}

func (d *decoder) constExpr(c *wasm.ConstExpr) {
	flags := d.byte()
	if flags&^(ceNonConst|ceV128|ceCode) != 0 {
		d.fail("bad constant expression flags 0x%02x", flags)
		return
	}
	c.NonConst = flags&ceNonConst != 0
	c.Op = wasm.Opcode(d.u32())
	c.Value = d.uint()
	c.Index = d.u32()
	c.Type = wasm.ValType(d.byte())
	c.Offset = d.intField()
	c.NumInstrs = d.intField()
	if flags&ceV128 != 0 {
		copy(c.V128[:], d.raw(16))
	}
	if flags&ceCode != 0 {
		c.Code = d.bytes()
	}
}

func (d *decoder) decodeMeta(m *Meta) {
	d.what = "header"
	if magic := d.raw(4); d.err == nil && [4]byte(magic) != metaMagic {
		d.pos = 0
		d.fail("bad magic %q", magic)
		return
	}
	m.FormatVersion = d.u32()
	if d.err == nil && m.FormatVersion != FormatVersion {
		d.fail("format version %d, this build reads %d", m.FormatVersion, FormatVersion)
		return
	}
	m.ABIVersion = d.u32()
	m.Features = d.uint()
	if b := d.uint(); b > uint64(BoundsGuard) {
		d.fail("bad bounds-check mode %d", b)
	} else {
		m.Bounds = BoundsChecks(b)
	}
	m.MemReserve = d.uint()
	m.MemGuard = d.uint()
	switch f := d.uint(); f {
	case 0, 1:
		m.Fuel = f == 1
	default:
		d.fail("bad fuel flag %d", f)
	}
	m.ModuleName = d.str()

	d.what = "types"
	if n := d.entries(2, decode.DefaultLimits.Types); n > 0 {
		m.Types = make([]wasm.FuncType, n)
		block := d.typeBlock(n)
		for i := range m.Types {
			m.Types[i].Params = d.valTypes(&block)
			m.Types[i].Results = d.valTypes(&block)
		}
	}

	d.what = "imports"
	if n := d.entries(4, decode.DefaultLimits.Imports); n > 0 {
		m.Imports = make([]wasm.Import, n)
		for i := range m.Imports {
			im := &m.Imports[i]
			im.Module = d.str()
			im.Name = d.str()
			im.Kind = wasm.ExternKind(d.byte())
			switch im.Kind {
			case wasm.ExternFunc:
				im.Type = d.u32()
			case wasm.ExternTable:
				im.Table = d.tableType()
			case wasm.ExternMemory:
				im.Mem.Limits = d.limits()
			case wasm.ExternGlobal:
				im.Global = d.globalType()
			default:
				d.fail("import %d: bad kind %d", i, im.Kind)
			}
			if d.err != nil {
				return
			}
		}
	}

	d.what = "functions"
	if n := d.entries(4, decode.DefaultLimits.Funcs); n > 0 {
		m.Funcs = make([]Func, n)
		for i := range m.Funcs {
			f := &m.Funcs[i]
			f.TypeIndex = d.u32()
			f.Name = d.str()
			f.CodeOffset = d.u32()
			f.CodeSize = d.u32()
			if d.err != nil {
				return
			}
		}
	}

	d.what = "tables"
	if n := d.entries(4, decode.DefaultLimits.Tables); n > 0 {
		m.Tables = make([]wasm.TableType, n)
		for i := range m.Tables {
			m.Tables[i] = d.tableType()
			// Nil unless some table is fixed: one allocation fewer
			// for most modules' load.
			if d.bool() {
				if m.FixedTables == nil {
					m.FixedTables = make([]bool, n)
				}
				m.FixedTables[i] = true
			}
		}
	}

	d.what = "memories"
	if n := d.entries(2, decode.DefaultLimits.Memories); n > 0 {
		m.Mems = make([]wasm.MemType, n)
		for i := range m.Mems {
			m.Mems[i].Limits = d.limits()
		}
	}

	d.what = "globals"
	if n := d.entries(9, decode.DefaultLimits.Globals); n > 0 {
		m.Globals = make([]wasm.Global, n)
		for i := range m.Globals {
			m.Globals[i].Type = d.globalType()
			d.constExpr(&m.Globals[i].Init)
			if d.err != nil {
				return
			}
		}
	}

	d.what = "exports"
	if n := d.entries(3, decode.DefaultLimits.Exports); n > 0 {
		m.Exports = make([]wasm.Export, n)
		for i := range m.Exports {
			x := &m.Exports[i]
			x.Name = d.str()
			x.Kind = wasm.ExternKind(d.byte())
			if x.Kind > wasm.ExternGlobal {
				d.fail("export %d: bad kind %d", i, x.Kind)
			}
			x.Index = d.u32()
			if d.err != nil {
				return
			}
		}
	}

	d.what = "start"
	m.Start = d.int()
	if d.err == nil && (m.Start < -1 || m.Start > math.MaxUint32) {
		d.fail("bad start function %d", m.Start)
	}

	d.what = "elements"
	if n := d.entries(12, decode.DefaultLimits.ElemSegments); n > 0 {
		m.Elems = make([]wasm.Elem, n)
		for i := range m.Elems {
			el := &m.Elems[i]
			el.Mode = wasm.SegmentMode(d.byte())
			if el.Mode > wasm.SegmentDeclarative {
				d.fail("element %d: bad mode %d", i, el.Mode)
			}
			el.Table = d.u32()
			d.constExpr(&el.Offset)
			el.Type = d.refType()
			el.Offset0 = d.intField()
			if k := d.count(8); k > 0 {
				el.Init = make([]wasm.ConstExpr, k)
				for j := range el.Init {
					d.constExpr(&el.Init[j])
				}
			}
			if d.err != nil {
				return
			}
		}
	}

	d.what = "data"
	if n := d.entries(6, decode.DefaultLimits.DataSegments); n > 0 {
		// Segments of the linker's image shape stay encoded (see
		// Meta.Datas); imagedRun's pass over them is the decoding's.
		if k, end := imagedRun(d.b[d.pos:], n); k >= 0 {
			enc := d.b[d.pos : d.pos+k : d.pos+k]
			if !d.alias {
				enc = append([]byte(nil), enc...)
			}
			m.imaged = imagedDatas{n: n, enc: enc, maxEnd: end}
			d.pos += k
		} else {
			m.Datas = make([]Data, n)
		}
		for i := range m.Datas {
			dt := &m.Datas[i]
			if d.imagedData(dt) {
				continue
			}
			mode := d.byte()
			dt.InImage = mode&dataInImage != 0
			dt.Mode = wasm.SegmentMode(mode &^ dataInImage)
			if dt.Mode > wasm.SegmentPassive {
				d.fail("data %d: bad mode %d", i, mode)
			}
			dt.Mem = d.u32()
			dt.Offset = Const{Op: wasm.Opcode(d.u32()), Index: d.u32(), Value: d.uint()}
			if dt.InImage {
				dt.Len = d.u32()
			} else {
				dt.Init = d.bytes()
			}
			if d.err != nil {
				return
			}
		}
	}

	// Both stub tables in one allocation: the import stubs' count, past
	// the entry stubs, is looked up first.
	d.what = "entry stubs"
	n := d.entries(1, decode.DefaultLimits.Types)
	var stubs []uint32
	if pos := d.pos; d.err == nil {
		for range n {
			d.uint()
		}
		k := d.entries(1, decode.DefaultLimits.Imports)
		if d.err != nil {
			d.err, k = nil, 0
		}
		d.pos = pos
		if n+k > 0 {
			stubs = make([]uint32, n+k)
		}
	}
	if n > 0 {
		m.EntryStubs, stubs = stubs[:n:n], stubs[n:]
		for i := range m.EntryStubs {
			m.EntryStubs[i] = d.stub()
		}
	}
	d.what = "import stubs"
	if n := d.entries(1, decode.DefaultLimits.Imports); n > 0 {
		if n > len(stubs) {
			stubs = make([]uint32, n) // only after an error, which stops the decoding
		}
		m.ImportStubs = stubs[:n:n]
		for i := range m.ImportStubs {
			m.ImportStubs[i] = d.stub()
		}
	}

	d.what = "sites"
	n = d.count(siteSize)
	for d.err == nil && d.pos%siteAlign != 0 {
		if d.byte() != 0 {
			d.fail("nonzero padding before the site table")
		}
	}
	if d.err != nil {
		return
	}
	if n > d.left()/siteSize {
		d.err = fmt.Errorf("%s at byte %d: %d sites exceed the %d bytes left: %w", d.what, d.pos, n, d.left(), ErrMetaTruncated)
		return
	}
	if n > 0 {
		m.Sites = d.sites(d.raw(n*siteSize), n)
	}

	d.what = "labels"
	if n := d.count(3); n > 0 {
		m.Labels = make([]Label, n)
		for i := range m.Labels {
			l := &m.Labels[i]
			l.Name = d.str()
			l.Offset = d.u32()
			l.Size = d.u32()
			if d.err != nil {
				return
			}
		}
	}
}

// imagedData decodes the data segment at d.pos into dt and reports true
// if it is a well-formed InImage segment, the kind a big module has tens
// of thousands of (gobig.so: 41,276); for anything else it changes
// nothing and reports false, and the general decoding (which reports the
// errors) takes the segment. Its varints are read here, in one loop over
// the bytes, rather than through u32 and uint, three calls each
// (callgrind, the decoder's instructions for gobig.so's metadata: -28%).
func (d *decoder) imagedData(dt *Data) bool {
	b, p := d.b, d.pos
	if d.err != nil || p >= len(b) {
		return false
	}
	mode := b[p]
	if mode&dataInImage == 0 || wasm.SegmentMode(mode&^dataInImage) > wasm.SegmentPassive {
		return false
	}
	p++
	// Mem, offset opcode, offset index, offset value, length: varints of
	// up to five bytes (35 bits; a longer one goes the general way).
	var v [5]uint64
next:
	for k := range v {
		var x uint64
		for s := uint(0); s < 35; s += 7 {
			if p >= len(b) {
				return false
			}
			c := b[p]
			p++
			x |= uint64(c&0x7f) << s
			if c < 0x80 {
				v[k] = x
				continue next
			}
		}
		return false
	}
	if v[0]|v[1]|v[2]|v[4] > math.MaxUint32 {
		return false
	}
	// Field by field: dt is fresh (Init nil), and assigning a whole Data
	// would take the write barrier's path for Init.
	dt.Mode, dt.InImage, dt.Mem, dt.Len = wasm.SegmentMode(mode&^dataInImage), true, uint32(v[0]), uint32(v[4])
	dt.Offset = Const{Op: wasm.Opcode(v[1]), Index: uint32(v[2]), Value: v[3]}
	d.pos = p
	return true
}

// Site table layout; see the encoding's description.
const (
	siteSize  = 16
	siteAlign = 4
)

// The in-place site table relies on Site's layout matching the encoding.
// Each pair of constants does not compile unless the two sides are equal
// (a uintptr constant cannot go below zero); constants, unlike blank
// variables, leave the package no initialisation to run at start.
const (
	_ = unsafe.Sizeof(Site{}) - siteSize
	_ = siteSize - unsafe.Sizeof(Site{})
	_ = unsafe.Offsetof(Site{}.Code) - 4
	_ = 4 - unsafe.Offsetof(Site{}.Code)
	_ = unsafe.Offsetof(Site{}.Func) - 8
	_ = 8 - unsafe.Offsetof(Site{}.Func)
	_ = unsafe.Offsetof(Site{}.WasmOffset) - 12
	_ = 12 - unsafe.Offsetof(Site{}.WasmOffset)
)

// littleEndian is a function, not a variable set at package
// initialisation (none here runs at start: e2e TestRunSONoCompilerInit);
// it compiles to a constant.
func littleEndian() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }

// sites returns the n encoded entries in b as Sites: b itself when aliasing
// is allowed and b is suitably aligned, else a decoded copy. The padding
// bytes of each entry are not looked at (in place they are never read).
func (d *decoder) sites(b []byte, n int) []Site {
	if d.alias && littleEndian() && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(Site{}) == 0 {
		return unsafe.Slice((*Site)(unsafe.Pointer(unsafe.SliceData(b))), n)
	}
	out := make([]Site, n)
	le := binary.LittleEndian
	for i := range out {
		e := b[i*siteSize:]
		out[i] = Site{CodeOffset: le.Uint32(e), Code: abi.TrapCode(e[4]), Func: le.Uint32(e[8:]), WasmOffset: le.Uint32(e[12:])}
	}
	return out
}
