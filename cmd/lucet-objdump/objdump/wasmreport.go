package objdump

import (
	"fmt"
	"io"

	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// wasmReport describes a .wasm module: what wasm-objdump -x shows, in the
// words of the object report where the two have the same thing. With -d
// the module is compiled in memory, as lucet-run compiles it, and each
// function gets its machine code. Built once, printed as text or JSON.
type wasmReport struct {
	Format     string `json:"format"` // "wasm"
	File       string `json:"file"`
	Version    uint32 `json:"version"`
	Size       int    `json:"size"`
	ModuleName string `json:"module_name,omitempty"`
	// Valid says whether validation accepted the module; the description
	// does not need it, so an invalid module is still described.
	Valid           bool   `json:"valid"`
	ValidationError string `json:"validation_error,omitempty"`

	Sections  []sectionReport  `json:"sections"`
	Types     []typeReport     `json:"types"`
	Imports   []impReport      `json:"imports"`
	Functions []wasmFuncReport `json:"functions"`
	Tables    []tabReport      `json:"tables"`
	Memories  []memReport      `json:"memories"`
	Globals   []globReport     `json:"globals"`
	Exports   []expReport      `json:"exports"`
	Start     *uint32          `json:"start"`
	Elems     []elemReport     `json:"element_segments"`
	Datas     []dataReport     `json:"data_segments"`
	Customs   []customReport   `json:"custom_sections"`

	// With -d: the compiled code's stubs and any code no symbol covers.
	Stubs      []stubReport `json:"stubs,omitempty"`
	Unlabelled []stubReport `json:"unlabelled_code,omitempty"`
}

type sectionReport struct {
	ID   byte   `json:"id"`
	Name string `json:"name"`
	// CustomName is a custom section's own name (which may be empty).
	CustomName *string `json:"custom_name,omitempty"`
	Start      int     `json:"start"` // offset of the content, after id and size
	End        int     `json:"end"`
	Size       int     `json:"size"`
	// Count is the entry count of a vector section, the function index
	// of the start section, the count of the data count section.
	Count *uint32 `json:"count,omitempty"`
}

type wasmFuncReport struct {
	Index      uint32   `json:"index"`
	Name       string   `json:"name,omitempty"` // from the name section
	TypeIndex  uint32   `json:"type"`
	Signature  string   `json:"signature"`
	BodyOffset int      `json:"body_offset"` // of the body, after its size
	BodySize   int      `json:"body_size"`   // locals and instructions
	Locals     uint32   `json:"locals"`      // not counting parameters
	Exports    []string `json:"exports,omitempty"`
	// With -d: the compiled function.
	Symbol      string  `json:"symbol,omitempty"`
	CodeOffset  *uint32 `json:"code_offset,omitempty"`
	CodeSize    *uint32 `json:"code_size,omitempty"`
	Disassembly string  `json:"disassembly,omitempty"`
}

type customReport struct {
	Name       string `json:"name"`
	DataOffset int    `json:"data_offset"` // after the name
	DataSize   int    `json:"data_size"`
	// Note says what lucet read from the section: the name section's
	// counts, or why it could not read it.
	Note string `json:"note,omitempty"`
}

// buildWasmReport describes module b, decoded as m.
func buildWasmReport(file string, b []byte, m *wasm.Module, dis bool, syntax disasm.Syntax) (*wasmReport, error) {
	secs, codes, err := readSections(b)
	if err != nil {
		// decode accepted what the framing reader refused: a bug in one.
		return nil, err
	}
	if len(codes) != len(m.Codes) {
		return nil, fmt.Errorf("%w: %d code entries, decode found %d", errFraming, len(codes), len(m.Codes))
	}
	r := &wasmReport{Format: "wasm", File: file, Version: 1, Size: len(b), Valid: true}
	if m.Names.HasModule {
		r.ModuleName = m.Names.Module
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		r.Valid, r.ValidationError = false, err.Error()
	}

	for _, s := range secs {
		sr := sectionReport{ID: s.ID, Name: sectionName(s.ID), Start: s.Start, End: s.End, Size: s.End - s.Start}
		if s.ID == 0 {
			sr.CustomName = ptr(s.Name)
			cr := customReport{Name: s.Name, DataOffset: s.DataStart, DataSize: s.End - s.DataStart}
			if s.Name == "name" {
				cr.Note = namesNote(m.Names)
			}
			r.Customs = append(r.Customs, cr)
		} else if s.HasCount {
			sr.Count = ptr(s.Count)
		}
		r.Sections = append(r.Sections, sr)
	}

	sp := describe(declared{m.Types, m.Imports, m.Tables, m.Mems, m.Globals, m.Exports, m.Elems})
	r.Types, r.Imports, r.Tables, r.Memories = sp.types, sp.imports, sp.tables, sp.memories
	r.Globals, r.Exports, r.Elems = sp.globals, sp.exports, sp.elems
	for i, ti := range m.Funcs {
		idx := m.NumImportedFuncs + uint32(i)
		f := wasmFuncReport{Index: idx, Name: m.Names.Funcs[idx], TypeIndex: ti, Signature: signatureString(m.Types, ti), Exports: sp.exportsOf[wasm.ExternFunc][idx]}
		if i < len(codes) {
			f.BodyOffset, f.BodySize, f.Locals = codes[i].Start, codes[i].End-codes[i].Start, m.Codes[i].NumLocals
		}
		r.Functions = append(r.Functions, f)
	}
	if m.HasStart {
		r.Start = ptr(m.Start)
	}
	for i, d := range m.Datas {
		dr := dataReport{Index: i, Mode: modeString(d.Mode), Size: len(d.Init)}
		if d.Mode == wasm.SegmentActive {
			dr.Mem, dr.Offset = d.Mem, constString(d.Offset)
		}
		r.Datas = append(r.Datas, dr)
	}
	// Machines get [] rather than null for an empty list.
	r.Sections, r.Functions, r.Datas, r.Customs = nonNilS(r.Sections), nonNilS(r.Functions), nonNilS(r.Datas), nonNilS(r.Customs)

	if dis {
		if err := r.compile(b, syntax); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// compile compiles the module in memory, through the library entry
// lucet-run uses and with its default options, and attaches the code.
func (r *wasmReport) compile(b []byte, syntax disasm.Syntax) error {
	o, err := compile.Wasm(b, codegen.Default())
	if err != nil {
		return err
	}
	l, err := disassemble(o, disasm.Options{Syntax: syntax})
	if err != nil {
		return err
	}
	byIndex := map[uint32]stubReport{}
	for _, f := range l.funcs {
		byIndex[f.index] = f.stubReport
	}
	for i := range r.Functions {
		f := &r.Functions[i]
		if c, ok := byIndex[f.Index]; ok {
			f.Symbol, f.CodeOffset, f.CodeSize, f.Disassembly = c.Name, ptr(c.Offset), ptr(c.Size), c.Disassembly
		}
	}
	r.Stubs, r.Unlabelled = nonNilS(l.stubs), l.unlabelled
	return nil
}

func namesNote(n wasm.Names) string {
	s := fmt.Sprintf("%d function names", len(n.Funcs))
	if n.HasModule {
		s = "module name, " + s
	}
	if len(n.Locals) > 0 {
		s += fmt.Sprintf(", local names in %d functions", len(n.Locals))
	}
	if n.Err != nil {
		s += "; read up to an error: " + n.Err.Error()
	}
	return s
}

// signatureString is type index ti's signature; an index out of range (in
// a module that does not validate) is said so rather than a panic.
func signatureString(types []wasm.FuncType, ti uint32) string {
	if int(ti) < len(types) {
		return types[ti].String()
	}
	return "(no such type)"
}

func typeString(types []wasm.FuncType, ti uint32) string {
	return fmt.Sprintf("type %d %s", ti, signatureString(types, ti))
}

// writeText prints r for people.
func (r *wasmReport) writeText(w io.Writer) error {
	var t textOut
	p := t.p
	p("Module %s\n", r.File)
	if r.ModuleName != "" {
		p("  name:            %q\n", r.ModuleName)
	}
	p("  format:          WebAssembly binary, version %d\n", r.Version)
	p("  size:            %s\n", sizeString(uint64(r.Size)))
	if r.Valid {
		p("  valid:           yes\n")
	} else {
		p("  valid:           no: %s\n", r.ValidationError)
	}

	p("\nSections: %d\n", len(r.Sections))
	for _, s := range r.Sections {
		p("  %-10s start %#08x end %#08x size %8d", s.Name, s.Start, s.End, s.Size)
		switch {
		case s.CustomName != nil:
			p("  %q", *s.CustomName)
		case s.Count == nil:
		case s.ID == 8:
			p("  func %d", *s.Count)
		default:
			p("  count %d", *s.Count)
		}
		p("\n")
	}

	t.types(r.Types)
	t.imports(r.Imports)
	imported := 0
	for _, im := range r.Imports {
		if im.Kind == "func" {
			imported++
		}
	}
	p("\nFunctions: %d defined, %d imported\n", len(r.Functions), imported)
	for _, f := range r.Functions {
		p("  func %d", f.Index)
		if f.Name != "" {
			p(" %s", wasm.Printable(f.Name))
		}
		p(": type %d %s, body %d bytes at %#x, %s", f.TypeIndex, f.Signature, f.BodySize, f.BodyOffset, plural(int(f.Locals), "local"))
		if len(f.Exports) > 0 {
			p(", exported as %s", quoteAll(f.Exports))
		}
		if f.CodeOffset != nil {
			p("; code %d bytes at %#x", *f.CodeSize, *f.CodeOffset)
			if f.Symbol != f.Name {
				p(" <%s>", wasm.Printable(f.Symbol))
			}
		}
		p("\n")
	}
	t.tables(r.Tables)
	p("\nMemories: %d\n", len(r.Memories))
	t.memories(r.Memories)
	t.globals(r.Globals)
	t.exports(r.Exports)
	t.start(r.Start)
	t.elems(r.Elems)
	t.datas(r.Datas)
	p("\nCustom sections: %d\n", len(r.Customs))
	for _, c := range r.Customs {
		p("  %q: %d bytes at %#x", c.Name, c.DataSize, c.DataOffset)
		if c.Note != "" {
			p(", %s", c.Note)
		}
		p("\n")
	}

	if r.Stubs != nil {
		t.stubs(r.Stubs)
	}
	var ls []listing
	for _, f := range r.Functions {
		if f.CodeOffset != nil {
			ls = append(ls, listing{*f.CodeOffset, f.Disassembly})
		}
	}
	ls = appendListings(ls, r.Stubs, r.Unlabelled)
	t.disassembly(ls)
	_, err := io.WriteString(w, t.b.String())
	return err
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
