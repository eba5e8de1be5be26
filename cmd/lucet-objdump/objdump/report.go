package objdump

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/sign"
	"github.com/lucet-go/lucet/pkg/value"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// report is everything lucet-objdump shows, built once and printed as
// text or JSON, so both forms always agree.
type report struct {
	Format        string   `json:"format"` // "lucet-object"
	File          string   `json:"file"`
	FormatVersion uint32   `json:"format_version"`
	ABIVersion    uint32   `json:"abi_version"`
	Features      []string `json:"cpu_features"`
	Checksum      string   `json:"checksum"`
	Compiler      string   `json:"compiler"`
	Signed        bool     `json:"signed"`
	Signer        string   `json:"signer,omitempty"`
	SignatureOK   *bool    `json:"signature_verifies,omitempty"`
	TextSize      uint64   `json:"text_size"`
	MetaSize      uint64   `json:"meta_size"`
	ModuleName    string   `json:"module_name,omitempty"`
	Fuel          bool     `json:"fuel_metering,omitempty"`

	Bounds     string       `json:"bounds_checks"`
	MemReserve uint64       `json:"mem_reserve,omitempty"`
	MemGuard   uint64       `json:"mem_guard,omitempty"`
	Memories   []memReport  `json:"memories"`
	DataImage  imageReport  `json:"data_image"`
	Datas      []dataReport `json:"data_segments"`
	Globals    []globReport `json:"globals"`
	Tables     []tabReport  `json:"tables"`
	Elems      []elemReport `json:"element_segments"`
	Types      []typeReport `json:"types"`
	Imports    []impReport  `json:"imports"`
	Exports    []expReport  `json:"exports"`
	Start      *uint32      `json:"start"`
	Functions  []funcReport `json:"functions"`
	Stubs      []stubReport `json:"stubs"`
	// Unlabelled is code no symbol covers, listed with -d only.
	Unlabelled []stubReport `json:"unlabelled_code,omitempty"`
}

type memReport struct {
	Index   uint32   `json:"index"`
	Import  string   `json:"import,omitempty"`
	Min     uint64   `json:"min_pages"`
	Max     *uint64  `json:"max_pages"`
	Exports []string `json:"exports,omitempty"`
}

type imageReport struct {
	Complete bool     `json:"complete"`
	Pages    []uint64 `json:"pages"`
	Bytes    uint64   `json:"bytes"`
}

type dataReport struct {
	Index  int    `json:"index"`
	Mode   string `json:"mode"`
	Mem    uint32 `json:"memory"`
	Offset string `json:"offset,omitempty"`
	Size   int    `json:"size"`
}

type globReport struct {
	Index   uint32   `json:"index"`
	Type    string   `json:"type"`
	Mutable bool     `json:"mutable"`
	Init    string   `json:"init,omitempty"`
	Import  string   `json:"import,omitempty"`
	Exports []string `json:"exports,omitempty"`
}

type tabReport struct {
	Index   uint32   `json:"index"`
	Elem    string   `json:"elem"`
	Min     uint64   `json:"min"`
	Max     *uint64  `json:"max"`
	Import  string   `json:"import,omitempty"`
	Exports []string `json:"exports,omitempty"`
	// Fixed: the object says the table never changes size
	// (object.Meta.FixedTables), so the runtime sizes it exactly.
	Fixed bool `json:"fixed,omitempty"`
}

type elemReport struct {
	Index  int    `json:"index"`
	Mode   string `json:"mode"`
	Table  uint32 `json:"table"`
	Offset string `json:"offset,omitempty"`
	Type   string `json:"type"`
	Count  int    `json:"count"`
}

type typeReport struct {
	Index     int     `json:"index"`
	Signature string  `json:"signature"`
	EntryStub *uint32 `json:"entry_stub,omitempty"`
}

type impReport struct {
	Kind     string  `json:"kind"`
	Index    uint32  `json:"index"` // in the kind's index space
	Module   string  `json:"module"`
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	HostStub *uint32 `json:"host_stub,omitempty"`
}

type expReport struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Index uint32 `json:"index"`
}

type funcReport struct {
	Index       uint32       `json:"index"`
	Name        string       `json:"name"`
	TypeIndex   uint32       `json:"type"`
	Signature   string       `json:"signature"`
	Offset      uint32       `json:"code_offset"`
	Size        uint32       `json:"code_size"`
	Exports     []string     `json:"exports,omitempty"`
	Sites       []siteReport `json:"sites"`
	Disassembly string       `json:"disassembly,omitempty"`
}

type siteReport struct {
	Offset     uint32 `json:"code_offset"`
	Kind       string `json:"kind"`
	WasmOffset uint32 `json:"wasm_offset"`
}

type stubReport struct {
	Name        string `json:"name"`
	Offset      uint32 `json:"code_offset"`
	Size        uint32 `json:"code_size"`
	Disassembly string `json:"disassembly,omitempty"`
}

func buildReport(file string, img *load.Image, dis bool, syntax disasm.Syntax) (*report, error) {
	m := img.Meta
	h := img.Header
	r := &report{
		Format:        "lucet-object",
		File:          file,
		FormatVersion: h.FormatVersion,
		ABIVersion:    h.ABIVersion,
		Features:      nonNil(object.FeatureNames(h.Features)),
		Checksum:      hex.EncodeToString(h.Checksum[:]),
		Compiler:      h.Compiler,
		Signed:        h.Signed(),
		TextSize:      h.TextSize,
		MetaSize:      h.MetaSize,
		ModuleName:    m.ModuleName,
		Fuel:          m.Fuel,
		Bounds:        "explicit",
	}
	// Compiler is the lucet version that wrote the object ("" when it
	// recorded none); Signer the public key line (pkg/sign) of a signed
	// one, and SignatureOK whether its signature verifies under that key.
	// Whether the key is trusted is for lucet-run --trusted-keys to say.
	if h.Signed() {
		// Inspect checked the checksum the signature is over.
		ok := ed25519.Verify(h.Signer[:], link.SignedMessage(h.Checksum), h.Signature[:])
		r.Signer, r.SignatureOK = strings.TrimSpace(sign.FormatPublic(h.Signer[:], "")), &ok
	}
	if m.Bounds == object.BoundsGuard {
		r.Bounds = "guard"
		r.MemReserve, r.MemGuard = m.MemReserve, m.MemGuard
	}

	sp := describe(declared{m.Types, m.Imports, m.Tables, m.Mems, m.Globals, m.Exports, m.Elems})
	r.Types, r.Imports, r.Tables, r.Memories = sp.types, sp.imports, sp.tables, sp.memories
	r.Globals, r.Exports, r.Elems = sp.globals, sp.exports, sp.elems
	for i, fixed := range m.FixedTables {
		if j := len(r.Tables) - len(m.Tables) + i; fixed && j < len(r.Tables) {
			r.Tables[j].Fixed = true
		}
	}
	exports := sp.exportsOf
	nImpFuncs := m.NumImportedFuncs()
	for i := range r.Imports {
		ir := &r.Imports[i]
		if ir.Kind == "func" && int(ir.Index) < len(m.ImportStubs) && m.ImportStubs[ir.Index] != object.NoStub {
			ir.HostStub = ptr(m.ImportStubs[ir.Index])
		}
	}
	for i := range r.Types {
		if i < len(m.EntryStubs) && m.EntryStubs[i] != object.NoStub {
			r.Types[i].EntryStub = ptr(m.EntryStubs[i])
		}
	}
	if img.Data != nil {
		r.DataImage.Complete = img.Data.Complete
		for _, p := range img.Data.Pages {
			r.DataImage.Pages = append(r.DataImage.Pages, p.MemOffset)
		}
		r.DataImage.Bytes = uint64(len(img.Data.Pages)) * link.DataPageSize
	}
	for i, d := range m.DataSegments() {
		dr := dataReport{Index: i, Mode: modeString(d.Mode), Size: d.Size()}
		if d.Mode == wasm.SegmentActive {
			dr.Mem, dr.Offset = d.Mem, constString(d.Offset.Expr())
		}
		r.Datas = append(r.Datas, dr)
	}
	if m.Start >= 0 {
		r.Start = ptr(uint32(m.Start))
	}

	o := &object.Object{Meta: *m, Text: img.Text}
	sitesOf := map[uint32][]siteReport{}
	for _, st := range m.Sites {
		kind := "call"
		if st.Code != abi.SiteCall {
			kind = "trap: " + st.Code.String()
		}
		sitesOf[st.Func] = append(sitesOf[st.Func], siteReport{Offset: st.CodeOffset, Kind: kind, WasmOffset: st.WasmOffset})
	}
	opt := disasm.Options{Syntax: syntax}
	for _, s := range link.TextSymbols(m, len(img.Text)) {
		if s.Kind != link.SymFunc {
			r.Stubs = append(r.Stubs, stubReport{Name: s.Name, Offset: s.Offset, Size: s.Size})
			continue
		}
		f := m.Funcs[s.Index-nImpFuncs]
		fr := funcReport{Index: s.Index, Name: s.Name, TypeIndex: f.TypeIndex, Signature: m.Types[f.TypeIndex].String(), Offset: f.CodeOffset, Size: f.CodeSize, Exports: exports[wasm.ExternFunc][s.Index], Sites: []siteReport{}}
		if ss := sitesOf[s.Index]; ss != nil {
			fr.Sites = ss
		}
		r.Functions = append(r.Functions, fr)
	}
	// Machines get [] rather than null for an empty list.
	r.Datas, r.Functions, r.Stubs, r.DataImage.Pages = nonNilS(r.Datas), nonNilS(r.Functions), nonNilS(r.Stubs), nonNilS(r.DataImage.Pages)
	if dis {
		l, err := disassemble(o, opt)
		if err != nil {
			return nil, err
		}
		// Both lists come from link.TextSymbols, in the same order.
		for i := range r.Functions {
			r.Functions[i].Disassembly = l.funcs[i].Disassembly
		}
		for i := range r.Stubs {
			r.Stubs[i].Disassembly = l.stubs[i].Disassembly
		}
		r.Unlabelled = l.unlabelled
	}
	return r, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilS[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func maxOf(l wasm.Limits) *uint64 {
	if !l.HasMax {
		return nil
	}
	return ptr(l.Max)
}

func limitsString(l wasm.Limits, unit string) string {
	if l.HasMax {
		return fmt.Sprintf("min %d%s, max %d%s", l.Min, unit, l.Max, unit)
	}
	return fmt.Sprintf("min %d%s, no max", l.Min, unit)
}

func tableString(t wasm.TableType) string { return t.Elem.String() + " " + limitsString(t.Limits, "") }

func globalTypeString(g wasm.GlobalType) string {
	if g.Mutable {
		return "mut " + g.Type.String()
	}
	return g.Type.String()
}

func modeString(m wasm.SegmentMode) string {
	switch m {
	case wasm.SegmentActive:
		return "active"
	case wasm.SegmentPassive:
		return "passive"
	case wasm.SegmentDeclarative:
		return "declarative"
	}
	return fmt.Sprintf("mode(%d)", m)
}

// constString is a constant expression in the text format; instruction
// names come from wasm.OpName. An expression of several instructions (an
// invalid module's) shows its first and "...".
func constString(c wasm.ConstExpr) string {
	s := c.Op.String()
	switch c.Op {
	case wasm.OpI32Const:
		s += " " + value.Format(c.Value, wasm.I32)
	case wasm.OpI64Const:
		s += " " + value.Format(c.Value, wasm.I64)
	case wasm.OpF32Const:
		s += " " + value.Format(c.Value, wasm.F32)
	case wasm.OpF64Const:
		s += " " + value.Format(c.Value, wasm.F64)
	case wasm.OpV128Const:
		s += " 0x" + hex.EncodeToString(c.V128[:])
	case wasm.OpRefNull:
		s += " " + c.Type.String()
	case wasm.OpRefFunc, wasm.OpGlobalGet:
		s += fmt.Sprintf(" %d", c.Index)
	}
	if c.NumInstrs > 1 {
		s += " ..."
	}
	return s
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// writeText prints r for people.
func (r *report) writeText(w io.Writer) error {
	var t textOut
	p := t.p
	p("Module %s\n", r.File)
	if r.ModuleName != "" {
		p("  name:            %q\n", r.ModuleName)
	}
	p("  format version:  %d\n", r.FormatVersion)
	p("  ABI version:     %d\n", r.ABIVersion)
	feat := strings.Join(r.Features, ",")
	if feat == "" {
		feat = "none"
	}
	p("  CPU features:    %s\n", feat)
	p("  checksum:        sha256:%s\n", r.Checksum)
	compiler := r.Compiler
	if compiler == "" {
		compiler = "not recorded"
	}
	p("  compiler:        %s\n", compiler)
	switch {
	case !r.Signed:
		p("  signature:       none\n")
	case *r.SignatureOK:
		p("  signature:       verifies, by key %s\n", r.Signer)
	default:
		p("  signature:       DOES NOT VERIFY (key %s)\n", r.Signer)
	}
	p("  code:            %s\n", sizeString(r.TextSize))
	p("  metadata:        %s\n", sizeString(r.MetaSize))
	if r.Fuel {
		p("  fuel metering:   yes (run with lucet-run --fuel)\n")
	}

	p("\nMemory:\n")
	if r.Bounds == "guard" {
		p("  bounds checks:   guard (reserved %s, guard %s)\n", humanize.IBytes(r.MemReserve), humanize.IBytes(r.MemGuard))
	} else {
		p("  bounds checks:   explicit\n")
	}
	t.memories(r.Memories)

	t.datas(r.Datas)
	state := "complete"
	if !r.DataImage.Complete {
		state = "incomplete: the runtime applies the segments"
	}
	p("  page image: %d pages of 4 KiB (%s), %s\n", len(r.DataImage.Pages), humanize.IBytes(r.DataImage.Bytes), state)
	for _, pg := range r.DataImage.Pages {
		p("    page at %#x\n", pg)
	}

	t.globals(r.Globals)
	t.tables(r.Tables)
	t.elems(r.Elems)
	t.types(r.Types)
	t.imports(r.Imports)
	t.exports(r.Exports)
	t.start(r.Start)

	p("\nFunctions: %d\n", len(r.Functions))
	for _, f := range r.Functions {
		p("  func %d %s: type %d %s\n", f.Index, wasm.Printable(f.Name), f.TypeIndex, f.Signature)
		p("    code %#x, %d bytes", f.Offset, f.Size)
		if len(f.Exports) > 0 {
			p(", exported as %s", quoteAll(f.Exports))
		}
		p("\n")
		if len(f.Sites) == 0 {
			p("    no trap or call sites\n")
		}
		for _, s := range f.Sites {
			p("    %#x (+%#x): %s, wasm %#x\n", s.Offset, s.Offset-f.Offset, s.Kind, s.WasmOffset)
		}
	}
	t.stubs(r.Stubs)
	var ls []listing
	for _, f := range r.Functions {
		ls = append(ls, listing{f.Offset, f.Disassembly})
	}
	ls = appendListings(ls, r.Stubs, r.Unlabelled)
	t.disassembly(ls)
	_, err := io.WriteString(w, t.b.String())
	return err
}

func deref(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

func sizeString(n uint64) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%s (%d bytes)", humanize.IBytes(n), n)
}
