// Package object defines what a compiled module holds, independent of the
// file format that carries it: the machine code and the metadata the runtime
// needs to instantiate and run it.
//
// In: what codegen makes of a decoded module (its driver lays out the code
// and fills Meta). Out: an Object that pkg/link writes into an ELF shared
// object and pkg/load reads back (FromObject maps one without a file).
// The binary encoding of Meta lives here too (Marshal/Unmarshal), versioned
// by FormatVersion.
package object

import (
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// FormatVersion is the version of the metadata encoding and of the ELF
// layout. The loader refuses any other. (2: Meta.Labels. 3: Meta.Fuel.
// 4: the site table is fixed-width and aligned, read in place. 5: data
// segments in the compact form of Data. 6: the module header records the
// compiler's version and has room for a signature. 7: active segments the
// linker's memory image holds are stored there only: Data.InImage.
// 8: Meta.FixedTables.)
const FormatVersion = 8

// Feature bits: CPU features the code requires (checked by the loader
// against CPUID).
const (
	FeatureSSE41  uint64 = 1 << 0
	FeatureSSE42  uint64 = 1 << 1
	FeaturePOPCNT uint64 = 1 << 2
	FeatureLZCNT  uint64 = 1 << 3
	FeatureBMI1   uint64 = 1 << 4 // tzcnt
	FeatureBMI2   uint64 = 1 << 5
	FeatureAVX    uint64 = 1 << 6
	FeatureAVX2   uint64 = 1 << 7
	// FeatureERMS (enhanced rep movsb/stosb) only tunes the code: long
	// memory.copy and memory.fill use rep movsb/stosb where the CPU
	// says they are fast, vector loops where it does not (rep is 1.4x
	// slower there: strings-bulk on an EPYC VM without it). Code with
	// it runs on any CPU, so the loader never requires it. An object
	// records it only when its code made that choice (an inline long
	// copy or fill): a module without one compiles to the same object
	// on hosts with and without ERMS.
	FeatureERMS uint64 = 1 << 8
)

// TuningFeatures are the bits a CPU need not have for the code to run.
const TuningFeatures = FeatureERMS

// BoundsChecks says how generated code keeps memory accesses in bounds.
type BoundsChecks uint8

const (
	// BoundsExplicit: every access compares against MemoryDesc.Len.
	BoundsExplicit BoundsChecks = 0
	// BoundsGuard: the runtime must reserve MemReserve bytes plus MemGuard
	// bytes of inaccessible guard after each memory; accesses whose
	// effective address cannot exceed that are not checked, and faults are
	// turned into traps by the signal handler using Sites.
	BoundsGuard BoundsChecks = 1
)

// Object is a compiled module.
type Object struct {
	Meta Meta
	// Text is the machine code; every code offset in Meta is relative to
	// its start. Position-independent: the only references are rel32
	// within Text and loads through R15.
	Text []byte
}

// Meta is the metadata of a compiled module. The module-level parts keep
// the wasm package's types, so what the runtime instantiates is exactly what
// was validated.
type Meta struct {
	FormatVersion uint32
	ABIVersion    uint32 // abi.Version
	Features      uint64 // Feature* bits the code may use; of TuningFeatures, those it was tuned for
	Bounds        BoundsChecks
	MemReserve    uint64 // BoundsGuard: bytes reserved for memory 0
	MemGuard      uint64 // BoundsGuard: guard bytes after the reservation
	// Fuel: the code charges fuel at [vmctx+VMFuel] and exits with
	// ExitInterrupt when it runs out (lucetc --fuel). A runtime can meter
	// fuel only on such code, and must give such code a budget even when
	// it does not meter (one it cannot exhaust).
	Fuel bool

	ModuleName string // from the name section, may be ""

	Types   []wasm.FuncType
	Imports []wasm.Import
	Funcs   []Func // defined functions, in index order after the imports
	Tables  []wasm.TableType
	// FixedTables[i] is set when defined table i never changes size: it
	// is not exported and no table.grow of the module names it, so its
	// minimum is its maximum whatever its type says. The runtime then
	// sizes it exactly instead of reserving room to grow (a Go program's
	// table has no maximum). Nil, or shorter than Tables, for none. The
	// flag only ever lowers a table's bound: set wrongly, table.grow
	// returns -1.
	FixedTables []bool
	Mems        []wasm.MemType
	Globals     []wasm.Global
	Exports     []wasm.Export
	Start       int64 // function index, or -1
	Elems       []wasm.Elem
	// Datas are the data segments of a Meta built in memory. A Meta
	// decoded from an object whose every segment lies in its memory image
	// in the linker's one shape (active, memory 0, an i32.const offset)
	// keeps them encoded instead and leaves Datas nil, as a Go program has
	// tens of thousands of them (gobig.so: 41,276, 2.2 MB decoded) that
	// the runtime never reads one by one. Read the segments through
	// NumDatas and DataSegments, which serve both forms; ExpandDatas
	// decodes them into Datas for a caller that edits them.
	Datas []Data
	// imaged holds the encoded segments that take the place of Datas.
	imaged imagedDatas

	// EntryStubs[t] is the code offset of the entry stub for type index t
	// (see abi), or NoStub if no function of that type is callable from Go.
	EntryStubs []uint32
	// ImportStubs[i] is the code offset of the host-call stub for imported
	// function i.
	ImportStubs []uint32

	// Sites maps code offsets to wasm offsets for traps and runtime call
	// sites, sorted by CodeOffset.
	Sites []Site

	// Labels name code that neither Funcs nor the stubs cover, such as
	// shared trap and exit routines, so symbol tables and disassembly
	// listings can show it. Optional; informational only.
	Labels []Label
}

// Label names a range of code.
type Label struct {
	Name   string
	Offset uint32
	Size   uint32
}

// NoStub marks a missing entry stub.
const NoStub = ^uint32(0)

// Func is a defined function's code.
type Func struct {
	TypeIndex  uint32
	Name       string // symbol name: export name, else name-section name, else guest_func_N
	CodeOffset uint32
	CodeSize   uint32
}

// Data is a data segment as the runtime needs it: the bytes and, for an
// active segment, where they go. (wasm.Data also carries what decoding and
// validation need, at two and a half times the size, and a Go program has
// tens of thousands of segments, all decoded at every start.)
type Data struct {
	Mode   wasm.SegmentMode
	Mem    uint32 // active only
	Offset Const  // active only
	Init   []byte
	// InImage: an active segment whose bytes are stored only in the
	// object's image of memory 0 (link's .lucet.data, complete), which the
	// runtime maps or copies instead of applying the segments; Init is
	// then empty and Len is the segment's length. The linker marks every
	// active segment of a module or none: all of them when the image is
	// exactly their result (i32.const offsets into a memory 0 the module
	// defines, each within its initial size, so none can trap).
	InImage bool
	Len     uint32 // InImage only
}

// Size is the segment's length in bytes.
func (d *Data) Size() int {
	if d.InImage {
		return int(d.Len)
	}
	return len(d.Init)
}

// InImage reports whether m's active data segments are stored in its
// memory image (Data.InImage) rather than in Datas.
func (m *Meta) InImage() bool {
	if m.imaged.n > 0 {
		return true
	}
	for i := range m.Datas {
		if m.Datas[i].Mode == wasm.SegmentActive {
			return m.Datas[i].InImage
		}
	}
	return false
}

// Const is a constant expression of one instruction: t.const (Value, the
// bits) or global.get (Index). It is what a data segment offset can be.
type Const struct {
	Op    wasm.Opcode
	Index uint32
	Value uint64
}

// Expr returns c as a wasm.ConstExpr.
func (c Const) Expr() wasm.ConstExpr {
	return wasm.ConstExpr{Op: c.Op, Index: c.Index, Value: c.Value, NumInstrs: 1}
}

// Site is one entry of the site table.
type Site struct {
	CodeOffset uint32       // offset in Text (see abi: TrapPC)
	Code       abi.TrapCode // abi.SiteCall for a call site
	Func       uint32       // function index (in the function index space)
	WasmOffset uint32       // byte offset of the wasm instruction in the module
}
