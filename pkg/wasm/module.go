// Package wasm holds the in-memory form of a WebAssembly 2.0 module and the
// instruction reader shared by every stage after decoding.
//
// In: nothing (it is a vocabulary). Out: Module, the types it is made of, the
// opcode constants, and Reader, which walks a function body one instruction
// at a time without allocating. decode fills a Module from bytes; validate,
// codegen and link read it.
package wasm

import "fmt"

// ValType is a value type as encoded in the binary format.
type ValType byte

const (
	I32       ValType = 0x7F
	I64       ValType = 0x7E
	F32       ValType = 0x7D
	F64       ValType = 0x7C
	V128      ValType = 0x7B
	FuncRef   ValType = 0x70
	ExternRef ValType = 0x6F
)

func (t ValType) String() string {
	switch t {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	case V128:
		return "v128"
	case FuncRef:
		return "funcref"
	case ExternRef:
		return "externref"
	}
	return fmt.Sprintf("valtype(0x%02x)", byte(t))
}

// IsRef reports whether t is a reference type.
func (t ValType) IsRef() bool { return t == FuncRef || t == ExternRef }

// FuncType is a function signature.
type FuncType struct {
	Params  []ValType
	Results []ValType
}

func (f FuncType) String() string {
	s := "["
	for i, p := range f.Params {
		if i > 0 {
			s += " "
		}
		s += p.String()
	}
	s += "] -> ["
	for i, r := range f.Results {
		if i > 0 {
			s += " "
		}
		s += r.String()
	}
	return s + "]"
}

// Equal reports whether two signatures are identical.
func (f FuncType) Equal(g FuncType) bool {
	if len(f.Params) != len(g.Params) || len(f.Results) != len(g.Results) {
		return false
	}
	for i := range f.Params {
		if f.Params[i] != g.Params[i] {
			return false
		}
	}
	for i := range f.Results {
		if f.Results[i] != g.Results[i] {
			return false
		}
	}
	return true
}

// Limits bound a table (in elements) or a memory (in 64 KiB pages).
type Limits struct {
	Min    uint64
	Max    uint64 // meaningful only when HasMax
	HasMax bool
}

// String spells l as the text format does: "1" or "1 2" (min, max).
// (Error messages printed the struct, {2 0 false}.)
func (l Limits) String() string {
	if l.HasMax {
		return fmt.Sprintf("%d %d", l.Min, l.Max)
	}
	return fmt.Sprintf("%d", l.Min)
}

// TableType is the type of a table.
type TableType struct {
	Elem   ValType // FuncRef or ExternRef
	Limits Limits
}

// String spells t as the text format does: "table 2 funcref".
func (t TableType) String() string { return fmt.Sprintf("table %v %v", t.Limits, t.Elem) }

// MemType is the type of a linear memory.
type MemType struct {
	Limits Limits
}

// String spells t as the text format does: "memory 1 2".
func (t MemType) String() string { return fmt.Sprintf("memory %v", t.Limits) }

// GlobalType is the type of a global.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

// String spells t as the text format does: "(mut i32)" or "i32".
func (t GlobalType) String() string {
	if t.Mutable {
		return fmt.Sprintf("(mut %v)", t.Type)
	}
	return t.Type.String()
}

// ExternKind says what an import or export refers to.
type ExternKind byte

const (
	ExternFunc   ExternKind = 0
	ExternTable  ExternKind = 1
	ExternMemory ExternKind = 2
	ExternGlobal ExternKind = 3
)

func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	}
	return fmt.Sprintf("externkind(%d)", byte(k))
}

// Import is one entry of the import section. Exactly one of the typed
// fields is meaningful, chosen by Kind.
type Import struct {
	Module string
	Name   string
	Kind   ExternKind
	Type   uint32 // ExternFunc: type index
	Table  TableType
	Mem    MemType
	Global GlobalType
}

// ConstExpr is a constant expression (WebAssembly 2.0: one instruction and
// `end`). Op is one of OpI32Const, OpI64Const, OpF32Const, OpF64Const,
// OpV128Const, OpRefNull, OpRefFunc, OpGlobalGet.
type ConstExpr struct {
	Op    Opcode
	Value uint64   // i32 (sign-extended to 64 bits), i64, f32 bits, f64 bits
	Index uint32   // OpRefFunc: function index; OpGlobalGet: global index
	Type  ValType  // OpRefNull: the heap type (FuncRef or ExternRef)
	V128  [16]byte // OpV128Const
	// Offset is the byte offset of the expression in the module, for errors.
	Offset int

	// Decode accepts any well-formed instruction sequence in a constant
	// expression position, because the spec makes everything else a
	// validation error: "constant expression required" when an
	// instruction is not constant, "type mismatch" when there are zero or
	// several. Op and its immediates above describe the first instruction
	// (Op is OpEnd when there is none); NumInstrs counts the instructions
	// before the final end and NonConst is set when one of them is not a
	// constant instruction (t.const, v128.const, ref.null, ref.func,
	// global.get). Validate must check both.
	NumInstrs int
	NonConst  bool
	// Code is the expression's bytes up to and including its end, a
	// sub-slice of the module (nil for items of element encodings 0-3,
	// which are bare function indices).
	Code []byte
}

// Global is a global defined by the module.
type Global struct {
	Type GlobalType
	Init ConstExpr
}

// Export is one entry of the export section.
type Export struct {
	Name  string
	Kind  ExternKind
	Index uint32
}

// SegmentMode is how an element or data segment is used.
type SegmentMode byte

const (
	SegmentActive      SegmentMode = 0
	SegmentPassive     SegmentMode = 1
	SegmentDeclarative SegmentMode = 2 // element segments only
)

// Elem is an element segment. Whatever its encoding, its items are stored
// as constant expressions (encodings 0-3 become OpRefFunc items).
type Elem struct {
	Mode    SegmentMode
	Table   uint32    // active only
	Offset  ConstExpr // active only
	Type    ValType   // FuncRef or ExternRef
	Init    []ConstExpr
	Offset0 int // byte offset of the segment in the module, for errors
}

// Data is a data segment.
type Data struct {
	Mode    SegmentMode
	Mem     uint32    // active only
	Offset  ConstExpr // active only
	Init    []byte
	Offset0 int // byte offset of the segment in the module, for errors
}

// LocalEntry is a run of locals of one type in a function body.
type LocalEntry struct {
	Count uint32
	Type  ValType
}

// Code is a function body.
type Code struct {
	Locals    []LocalEntry
	NumLocals uint32 // sum of Locals[i].Count, not counting parameters
	// Body holds the instruction bytes, from the first instruction up to
	// and including the final `end`.
	Body []byte
	// BodyOffset is the byte offset of Body[0] in the module; wasm offsets
	// reported by traps and errors are BodyOffset + position in Body.
	BodyOffset int
}

// Custom is a custom section other than "name".
type Custom struct {
	Name   string
	Data   []byte
	Offset int
}

// Names is the content of the "name" custom section.
type Names struct {
	Module    string
	HasModule bool
	Funcs     map[uint32]string
	Locals    map[uint32]map[uint32]string
	// Err is set when the name section is malformed. Custom sections are
	// not validated, so this does not fail the module; what was read
	// before the fault is kept, and tools can show Err as a warning.
	Err error
}

// Module is a decoded module. Index spaces (functions, tables, memories,
// globals) put imports first, as the specification does; helper methods
// resolve an index to its type whichever side it is on.
type Module struct {
	Types        []FuncType
	Imports      []Import
	Funcs        []uint32 // type index of each defined function
	Tables       []TableType
	Mems         []MemType
	Globals      []Global
	Exports      []Export
	Start        uint32
	HasStart     bool
	Elems        []Elem
	Datas        []Data
	DataCount    uint32
	HasDataCount bool
	Codes        []Code
	Names        Names
	Customs      []Custom

	// ImportIndex[k][n] is the position in Imports of the n-th import of
	// kind k; the decoder fills it so index lookups are O(1).
	ImportIndex [4][]uint32

	// Counts of imports by kind, filled by the decoder.
	NumImportedFuncs   uint32
	NumImportedTables  uint32
	NumImportedMems    uint32
	NumImportedGlobals uint32
}

// NumFuncs is the size of the function index space.
func (m *Module) NumFuncs() uint32 { return m.NumImportedFuncs + uint32(len(m.Funcs)) }

// NumTables is the size of the table index space.
func (m *Module) NumTables() uint32 { return m.NumImportedTables + uint32(len(m.Tables)) }

// NumMems is the size of the memory index space.
func (m *Module) NumMems() uint32 { return m.NumImportedMems + uint32(len(m.Mems)) }

// NumGlobals is the size of the global index space.
func (m *Module) NumGlobals() uint32 { return m.NumImportedGlobals + uint32(len(m.Globals)) }

// FuncTypeIndex returns the type index of function idx (imported or defined).
// idx must be in range.
func (m *Module) FuncTypeIndex(idx uint32) uint32 {
	if idx < m.NumImportedFuncs {
		return m.importOfKind(ExternFunc, idx).Type
	}
	return m.Funcs[idx-m.NumImportedFuncs]
}

// FuncType returns the signature of function idx. idx must be in range.
func (m *Module) FuncType(idx uint32) FuncType { return m.Types[m.FuncTypeIndex(idx)] }

// TableType returns the type of table idx. idx must be in range.
func (m *Module) TableType(idx uint32) TableType {
	if idx < m.NumImportedTables {
		return m.importOfKind(ExternTable, idx).Table
	}
	return m.Tables[idx-m.NumImportedTables]
}

// MemType returns the type of memory idx. idx must be in range.
func (m *Module) MemType(idx uint32) MemType {
	if idx < m.NumImportedMems {
		return m.importOfKind(ExternMemory, idx).Mem
	}
	return m.Mems[idx-m.NumImportedMems]
}

// GlobalType returns the type of global idx. idx must be in range.
func (m *Module) GlobalType(idx uint32) GlobalType {
	if idx < m.NumImportedGlobals {
		return m.importOfKind(ExternGlobal, idx).Global
	}
	return m.Globals[idx-m.NumImportedGlobals].Type
}

// ImportOf returns the n-th import of the given kind (n counts only imports
// of that kind), which is also its index in that kind's index space.
func (m *Module) ImportOf(kind ExternKind, n uint32) *Import { return m.importOfKind(kind, n) }

func (m *Module) importOfKind(kind ExternKind, n uint32) *Import {
	if int(kind) < len(m.ImportIndex) && n < uint32(len(m.ImportIndex[kind])) {
		return &m.Imports[m.ImportIndex[kind][n]]
	}
	for i := range m.Imports {
		if m.Imports[i].Kind == kind {
			if n == 0 {
				return &m.Imports[i]
			}
			n--
		}
	}
	panic(fmt.Sprintf("wasm: no %s import at that index", kind))
}

// FuncName returns the best name for function idx: its first export name,
// else its name-section name, else "" .
func (m *Module) FuncName(idx uint32) string {
	for _, e := range m.Exports {
		if e.Kind == ExternFunc && e.Index == idx {
			return e.Name
		}
	}
	if n, ok := m.Names.Funcs[idx]; ok {
		return n
	}
	return ""
}

// PageSize is the size of a WebAssembly page in bytes.
const PageSize = 65536

// MaxPages is the largest number of pages a 32-bit memory can have.
const MaxPages = 65536
