// Package decode is the first stage of lucet: it turns the bytes of a
// WebAssembly 2.0 binary module into a wasm.Module.
//
// In: the bytes of a .wasm file. Out: a *wasm.Module whose sections are
// parsed, whose function bodies have been walked once so every malformed
// instruction is rejected here, and whose Code bodies are sub-slices of the
// input (the input must not be modified afterwards). Nothing is checked
// against the module's types or index spaces; that is pkg/validate's job.
// Errors are *Error, carry the byte offset, and use the spec testsuite's
// wording where it has one.
package decode

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/lucet-go/lucet/internal/fresh"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Options configure Decode.
type Options struct {
	Limits Limits
}

// Decode decodes a binary module. b is kept: Code bodies, constant
// expressions and custom section data point into it.
func Decode(b []byte, opts Options) (m *wasm.Module, err error) {
	d := &decoder{b: b, lim: opts.Limits.withDefaults(), fn: -1, m: &wasm.Module{}}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(bail)
			if !ok {
				panic(r)
			}
			m, err = nil, f.err
		}
	}()
	if len(b) > d.lim.ModuleSize {
		d.fail(0, &LimitError{"module size", uint64(len(b)), uint64(d.lim.ModuleSize)})
	}
	d.module()
	return d.m, nil
}

// DecodeReader reads all of r, up to Limits.ModuleSize bytes, and decodes it.
func DecodeReader(r io.Reader, opts Options) (*wasm.Module, error) {
	lim := opts.Limits.withDefaults()
	b, err := io.ReadAll(io.LimitReader(r, int64(lim.ModuleSize)+1))
	if err != nil {
		return nil, fmt.Errorf("decode: read: %w", err)
	}
	if len(b) > lim.ModuleSize {
		return nil, &Error{Offset: 0, Func: -1, Err: &LimitError{"module size", uint64(len(b)), uint64(lim.ModuleSize)}}
	}
	return Decode(b, opts)
}

// bail carries an *Error up through panic to Decode, which keeps the many
// small readers free of error plumbing.
type bail struct{ err *Error }

// decoder reads b with one cursor. Like the spec interpreter, reads are
// not bounded by the current section: a section that claims fewer bytes
// than it uses is caught by the size check at its end, which is what
// makes the testsuite's messages come out the same.
type decoder struct {
	b       []byte
	pos     int
	lim     Limits
	m       *wasm.Module
	section string
	fn      int

	r        wasm.Reader
	ctl      []byte // control stack of the body being walked
	usesData bool   // a body uses memory.init or data.drop

	haveNames bool // the name section has been read
}

func (d *decoder) fail(off int, err error) {
	panic(bail{&Error{Offset: off, Section: d.section, Func: d.fn, Err: err}})
}

func (d *decoder) byte1() byte {
	if d.pos >= len(d.b) {
		d.fail(d.pos, ErrEOS)
	}
	c := d.b[d.pos]
	d.pos++
	return c
}

func (d *decoder) u32() uint32 {
	v, n, err := wasm.ReadU32(d.b[d.pos:])
	if err != nil {
		d.fail(d.pos+n-1, mapErr(err))
	}
	d.pos += n
	return v
}

// len32 reads a vector or byte length. As in the spec interpreter, a
// length larger than what is left (counting the length's own bytes) is
// "length out of bounds"; as every item takes at least a byte, this also
// stops a hostile count before anything is allocated for it.
func (d *decoder) len32() int {
	p := d.pos
	n := d.u32()
	if uint64(n) > uint64(len(d.b)-p) {
		d.fail(p, ErrLength)
	}
	return int(n)
}

// count reads a vector length and checks it against a limit.
func (d *decoder) count(what string, limit uint32) int {
	p := d.pos
	n := d.len32()
	if uint64(n) > uint64(limit) {
		d.fail(p, &LimitError{what, uint64(n), uint64(limit)})
	}
	return n
}

func (d *decoder) bytes(n int) []byte {
	if n > len(d.b)-d.pos {
		d.fail(len(d.b), ErrEOS)
	}
	s := d.b[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return s
}

func (d *decoder) name() string {
	p := d.pos
	s := d.bytes(d.len32())
	if !utf8.Valid(s) {
		d.fail(p, ErrUTF8)
	}
	return string(s)
}

// maxPrealloc bounds how many elements a vector gets before they are
// read. A count is only known to be at most the bytes left, and an item
// of one or two bytes can decode to a hundred-byte struct, so trusting
// large counts would let a small hostile module claim gigabytes.
const maxPrealloc = 1 << 16

// The vector's memory is written at once (fresh.Make): a big module's
// first garbage collection starts while its vectors fill, and gobig's
// 41,276 data segments (5 MB) otherwise took two page faults a page.
func prealloc[T any](n int) []T { return fresh.Make[T](min(n, maxPrealloc))[:0] }

// push appends v to s, a vector of at most n items that prealloc began,
// growing it by grow: every vector of a module is read this way, so none
// is copied over and over however many items it has.
func push[T any](s []T, n int, v T) []T { return append(grow(s, n), v) }

// grow makes room for one more item in s, a vector of at most n, by
// doubling, into written memory (fresh.Make): append grows a big slice by
// a quarter at a time, so 1M globals (90 MB of Global) were copied about
// five times over, into memory faulted in during the copy: 1.06 s of
// memmove in a 2.9 s compile. What it allocates stays within twice the
// items already decoded, so a hostile count still costs nothing up front.
func grow[T any](s []T, n int) []T {
	if len(s) < cap(s) {
		return s
	}
	t := fresh.Make[T](max(min(n, 2*cap(s)), len(s)+1))[:len(s)]
	copy(t, s)
	return t
}

func mapErr(err error) error {
	if err == wasm.ErrUnexpectedEnd {
		return ErrEOS
	}
	return err
}

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory",
	"global", "export", "start", "element", "code", "data", "data count"}

// sectionRank is a section's place in the required order; the data count
// section comes between element and code.
var sectionRank = [...]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10}

func (d *decoder) module() {
	if len(d.b) < 4 {
		d.fail(len(d.b), ErrEOS)
	}
	if string(d.b[:4]) != "\x00asm" {
		d.fail(0, ErrMagic)
	}
	if len(d.b) < 8 {
		d.fail(len(d.b), ErrEOS)
	}
	if string(d.b[4:8]) != "\x01\x00\x00\x00" {
		d.fail(4, ErrVersion)
	}
	d.pos = 8
	last := 0
	for d.pos < len(d.b) {
		d.section = ""
		start := d.pos
		id := d.byte1()
		if int(id) >= len(sectionNames) {
			d.fail(start, ErrSectionID)
		}
		d.section = sectionNames[id]
		size := d.len32()
		if id != 0 {
			if sectionRank[id] <= last {
				// The spec interpreter reads sections in order and finds
				// a late or repeated one left over at the end.
				d.section = ""
				d.fail(start, ErrAfterLast)
			}
			last = sectionRank[id]
		}
		end := d.pos + size
		switch id {
		case 0:
			d.custom(end)
		case 1:
			d.types()
		case 2:
			d.imports()
		case 3:
			d.funcs()
		case 4:
			d.tables()
		case 5:
			d.mems()
		case 6:
			d.globals()
		case 7:
			d.exports()
		case 8:
			d.m.Start, d.m.HasStart = d.u32(), true
		case 9:
			d.elems()
		case 10:
			d.codes()
		case 11:
			d.datas()
		case 12:
			d.m.DataCount, d.m.HasDataCount = d.u32(), true
		}
		if d.pos != end {
			d.fail(start, ErrSectionSize)
		}
	}
	d.section = ""
	if len(d.m.Funcs) != len(d.m.Codes) {
		d.fail(len(d.b), ErrFuncCode)
	}
	if d.m.HasDataCount && int(d.m.DataCount) != len(d.m.Datas) {
		d.fail(len(d.b), ErrDataCount)
	}
	// With no data segments at all every data index is unknown, which
	// validate reports more precisely (and the testsuite expects that).
	if !d.m.HasDataCount && d.usesData && len(d.m.Datas) > 0 {
		d.fail(len(d.b), ErrDataCountRequired)
	}
}

// custom reads a custom section. Custom.Offset is where its Data starts.
func (d *decoder) custom(end int) {
	if end > len(d.b) {
		// len32 counts the size's own bytes, as the spec interpreter
		// does, so the content can still be short by that much.
		d.fail(len(d.b), ErrEOS)
	}
	name := d.name()
	if d.pos > end {
		// The name ran past the section: the spec interpreter then skips
		// a negative length and reports running out.
		d.fail(end, ErrEOS)
	}
	data := d.b[d.pos:end:end]
	if name == "name" && !d.haveNames {
		// Only the first: a repeated name section is kept as a plain
		// custom section, as engines ignore it.
		d.haveNames = true
		d.m.Names = parseNames(d.b[:end], d.pos)
	} else {
		d.m.Customs = append(d.m.Customs, wasm.Custom{Name: name, Data: data, Offset: d.pos})
	}
	d.pos = end
}

func (d *decoder) valType() wasm.ValType {
	p := d.pos
	switch t := wasm.ValType(d.byte1()); t {
	case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
		return t
	default:
		d.fail(p, fmt.Errorf("%w 0x%02x", ErrValType, byte(t)))
	}
	return 0
}

func (d *decoder) refType() wasm.ValType {
	p := d.pos
	switch t := wasm.ValType(d.byte1()); t {
	case wasm.FuncRef, wasm.ExternRef:
		return t
	default:
		d.fail(p, fmt.Errorf("%w 0x%02x", wasm.ErrMalformedRef, byte(t)))
	}
	return 0
}

func (d *decoder) types() {
	n := d.count("types", d.lim.Types)
	d.m.Types = prealloc[wasm.FuncType](n)
	for range n {
		p := d.pos
		// The form is an s7 LEB128 in the spec's grammar, so a set
		// continuation bit is a too-long integer, not a bad form.
		if c := d.byte1(); c&0x80 != 0 {
			d.fail(p, wasm.ErrIntTooLong)
		} else if c != 0x60 {
			d.fail(p, fmt.Errorf("%w 0x%02x", ErrFuncType, c))
		}
		np := d.count("parameters", d.lim.Params)
		var params []wasm.ValType
		if np > 0 {
			params = make([]wasm.ValType, np)
			for j := range params {
				params[j] = d.valType()
			}
		}
		nr := d.count("results", d.lim.Results)
		var results []wasm.ValType
		if nr > 0 {
			results = make([]wasm.ValType, nr)
			for j := range results {
				results[j] = d.valType()
			}
		}
		d.m.Types = push(d.m.Types, n, wasm.FuncType{Params: params, Results: results})
	}
}

func (d *decoder) limits() wasm.Limits {
	p := d.pos
	flags := d.byte1()
	// The flags are a one-bit LEB128 integer in the spec's grammar.
	if flags&0x80 != 0 {
		d.fail(p, wasm.ErrIntTooLong)
	} else if flags > 1 {
		d.fail(p, limitsProposal(flags, p, ErrLimitsFlags))
	}
	l := wasm.Limits{Min: uint64(d.u32())}
	if flags == 1 {
		l.Max, l.HasMax = uint64(d.u32()), true
	}
	return l
}

func (d *decoder) tableType() wasm.TableType {
	t := wasm.TableType{Elem: d.refType()}
	p := d.pos
	t.Limits = d.limits()
	// A minimum above the maximum is validate's to report, in the spec's words.
	if t.Limits.Min > uint64(d.lim.TableSize) && !(t.Limits.HasMax && t.Limits.Min > t.Limits.Max) {
		d.fail(p, &LimitError{"table size", t.Limits.Min, uint64(d.lim.TableSize)})
	}
	return t
}

func (d *decoder) memType() wasm.MemType {
	p := d.pos
	t := wasm.MemType{Limits: d.limits()}
	if t.Limits.Min > uint64(d.lim.MemoryPages) && t.Limits.Min <= wasm.MaxPages {
		d.fail(p, &LimitError{"memory pages", t.Limits.Min, uint64(d.lim.MemoryPages)})
	}
	return t
}

func (d *decoder) globalType() wasm.GlobalType {
	t := wasm.GlobalType{Type: d.valType()}
	p := d.pos
	switch d.byte1() {
	case 0:
	case 1:
		t.Mutable = true
	default:
		d.fail(p, ErrMutability)
	}
	return t
}

func (d *decoder) imports() {
	n := d.count("imports", d.lim.Imports)
	m := d.m
	m.Imports = prealloc[wasm.Import](n)
	for range n {
		m.Imports = push(m.Imports, n, wasm.Import{})
		im := &m.Imports[len(m.Imports)-1]
		im.Module = d.name()
		im.Name = d.name()
		p := d.pos
		im.Kind = wasm.ExternKind(d.byte1())
		switch im.Kind {
		case wasm.ExternFunc:
			im.Type = d.u32()
			m.NumImportedFuncs++
		case wasm.ExternTable:
			im.Table = d.tableType()
			m.NumImportedTables++
		case wasm.ExternMemory:
			im.Mem = d.memType()
			m.NumImportedMems++
		case wasm.ExternGlobal:
			im.Global = d.globalType()
			m.NumImportedGlobals++
		default:
			d.fail(p, ErrImportKind)
		}
	}
	counts := [4]uint32{m.NumImportedFuncs, m.NumImportedTables, m.NumImportedMems, m.NumImportedGlobals}
	for k := range m.ImportIndex {
		if counts[k] > 0 {
			m.ImportIndex[k] = make([]uint32, 0, counts[k])
		}
	}
	for i := range m.Imports {
		k := m.Imports[i].Kind
		m.ImportIndex[k] = append(m.ImportIndex[k], uint32(i))
	}
	d.checkTotal("functions", m.NumImportedFuncs, 0, d.lim.Funcs)
	d.checkTotal("tables", m.NumImportedTables, 0, d.lim.Tables)
	d.checkTotal("memories", m.NumImportedMems, 0, d.lim.Memories)
	d.checkTotal("globals", m.NumImportedGlobals, 0, d.lim.Globals)
}

func (d *decoder) checkTotal(what string, imported uint32, defined int, limit uint32) {
	if t := uint64(imported) + uint64(defined); t > uint64(limit) {
		d.fail(d.pos, &LimitError{what, t, uint64(limit)})
	}
}

// vec reads a vector length whose total with imports of the same kind is
// bounded by limit.
func (d *decoder) vec(what string, imported, limit uint32) int {
	p := d.pos
	n := d.len32()
	if t := uint64(imported) + uint64(n); t > uint64(limit) {
		d.fail(p, &LimitError{what, t, uint64(limit)})
	}
	return n
}

func (d *decoder) funcs() {
	n := d.vec("functions", d.m.NumImportedFuncs, d.lim.Funcs)
	d.m.Funcs = prealloc[uint32](n)
	for range n {
		d.m.Funcs = push(d.m.Funcs, n, d.u32())
	}
}

func (d *decoder) tables() {
	n := d.vec("tables", d.m.NumImportedTables, d.lim.Tables)
	d.m.Tables = prealloc[wasm.TableType](n)
	for range n {
		d.m.Tables = push(d.m.Tables, n, d.tableType())
	}
}

func (d *decoder) mems() {
	n := d.vec("memories", d.m.NumImportedMems, d.lim.Memories)
	d.m.Mems = prealloc[wasm.MemType](n)
	for range n {
		d.m.Mems = push(d.m.Mems, n, d.memType())
	}
}

func (d *decoder) globals() {
	n := d.vec("globals", d.m.NumImportedGlobals, d.lim.Globals)
	d.m.Globals = prealloc[wasm.Global](n)
	for range n {
		t := d.globalType()
		d.m.Globals = push(d.m.Globals, n, wasm.Global{Type: t, Init: d.constExpr()})
	}
}

func (d *decoder) exports() {
	n := d.count("exports", d.lim.Exports)
	d.m.Exports = prealloc[wasm.Export](n)
	for range n {
		d.m.Exports = push(d.m.Exports, n, wasm.Export{})
		e := &d.m.Exports[len(d.m.Exports)-1]
		e.Name = d.name()
		p := d.pos
		e.Kind = wasm.ExternKind(d.byte1())
		if e.Kind > wasm.ExternGlobal {
			d.fail(p, ErrExportKind)
		}
		e.Index = d.u32()
	}
}

func (d *decoder) elemKind() {
	p := d.pos
	if c := d.byte1(); c != 0 {
		d.fail(p, fmt.Errorf("%w 0x%02x", ErrElemKind, c))
	}
}

func (d *decoder) elems() {
	n := d.count("element segments", d.lim.ElemSegments)
	d.m.Elems = prealloc[wasm.Elem](n)
	for range n {
		d.m.Elems = push(d.m.Elems, n, wasm.Elem{})
		e := &d.m.Elems[len(d.m.Elems)-1]
		e.Offset0 = d.pos
		flags := d.u32()
		if flags > 7 {
			d.fail(e.Offset0, fmt.Errorf("%w %d", ErrElemSegKind, flags))
		}
		e.Type = wasm.FuncRef
		switch {
		case flags&1 == 0:
			e.Mode = wasm.SegmentActive
			if flags&2 != 0 {
				e.Table = d.u32()
			}
			e.Offset = d.constExpr()
		case flags&2 == 0:
			e.Mode = wasm.SegmentPassive
		default:
			e.Mode = wasm.SegmentDeclarative
		}
		exprs := flags&4 != 0
		if flags&3 != 0 { // encodings 0 and 4 have an implicit type
			if exprs {
				e.Type = d.refType()
			} else {
				d.elemKind()
			}
		}
		k := d.len32()
		e.Init = prealloc[wasm.ConstExpr](k)
		for range k {
			if exprs {
				e.Init = push(e.Init, k, d.constExpr())
			} else {
				p := d.pos
				e.Init = push(e.Init, k, wasm.ConstExpr{Op: wasm.OpRefFunc, Index: d.u32(), NumInstrs: 1, Offset: p})
			}
		}
	}
}

func (d *decoder) datas() {
	n := d.count("data segments", d.lim.DataSegments)
	d.m.Datas = prealloc[wasm.Data](n)
	for range n {
		d.m.Datas = push(d.m.Datas, n, wasm.Data{})
		s := &d.m.Datas[len(d.m.Datas)-1]
		s.Offset0 = d.pos
		switch flags := d.u32(); flags {
		case 0:
			s.Offset = d.constExpr()
		case 1:
			s.Mode = wasm.SegmentPassive
		case 2:
			s.Mem = d.u32()
			s.Offset = d.constExpr()
		default:
			d.fail(s.Offset0, fmt.Errorf("%w %d", ErrDataSegKind, flags))
		}
		s.Init = d.bytes(d.len32())
	}
}

// constExpr reads a constant expression. Any well-formed instruction
// sequence is accepted and described (see wasm.ConstExpr); validate
// decides whether it is constant.
func (d *decoder) constExpr() wasm.ConstExpr {
	start := d.pos
	d.r.Reset(d.b)
	// Fast path for the common `i32.const n end` (Go modules have tens of
	// thousands of data segments).
	if start+2 < len(d.b) && wasm.Opcode(d.b[start]) == wasm.OpI32Const {
		if v, p := shortS32(d.b, start+1); p >= 0 && p < len(d.b) && d.b[p] == byte(wasm.OpEnd) {
			d.pos = p + 1
			return wasm.ConstExpr{Op: wasm.OpI32Const, Value: uint64(int64(v)), Offset: start,
				NumInstrs: 1, Code: d.b[start:d.pos:d.pos]}
		}
	}
	ce := wasm.ConstExpr{Offset: start, Op: wasm.OpEnd}
	d.r.SetPos(start)
	d.ctl = d.ctl[:0]
	for {
		p := d.r.Pos()
		in, err := d.r.Next()
		if err != nil {
			d.fail(in.Offset, unsupportedOp(d.b, p, mapErr(err)))
		}
		if in.Op == wasm.OpEnd && len(d.ctl) == 0 {
			break
		}
		d.structure(&in)
		if ce.NumInstrs == 0 {
			ce.Op = in.Op
			ce.Value = in.Value
			ce.Index = in.Index
			ce.Type = in.Type
			ce.V128 = in.V128
		}
		ce.NumInstrs++
		switch in.Op {
		case wasm.OpI32Const, wasm.OpI64Const, wasm.OpF32Const, wasm.OpF64Const, wasm.OpV128Const,
			wasm.OpRefNull, wasm.OpRefFunc, wasm.OpGlobalGet:
		default:
			ce.NonConst = true
		}
	}
	d.pos = d.r.Pos()
	ce.Code = d.b[start:d.pos:d.pos]
	return ce
}

// shortS32 decodes a signed LEB128 of at most 4 bytes at p, which is
// always a valid s32, returning it and the position after it, or -1 for
// anything longer or cut short (left to wasm.Reader and its errors).
func shortS32(b []byte, p int) (int32, int) {
	var v uint32
	for i := 0; i < 4 && p+i < len(b); i++ {
		c := b[p+i]
		v |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c&0x40 != 0 {
				v |= ^uint32(0) << (7 * (i + 1))
			}
			return int32(v), p + i + 1
		}
	}
	return 0, -1
}

// structure keeps the control stack of the instruction sequence being
// walked, rejecting an else that does not close the then-arm of an if as
// the spec interpreter does. The final end is handled by the caller.
func (d *decoder) structure(in *wasm.Instr) {
	switch in.Op {
	case wasm.OpBlock, wasm.OpLoop:
		d.open(in.Offset, 0)
	case wasm.OpIf:
		d.open(in.Offset, 1)
	case wasm.OpElse:
		if n := len(d.ctl); n == 0 || d.ctl[n-1] != 1 {
			d.fail(in.Offset, ErrEndExpected)
		} else {
			d.ctl[n-1] = 2
		}
	case wasm.OpEnd:
		d.ctl = d.ctl[:len(d.ctl)-1]
	case wasm.OpMemoryInit, wasm.OpDataDrop:
		d.usesData = true
	}
}
