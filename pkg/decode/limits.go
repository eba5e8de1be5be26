package decode

// Limits bound what Decode accepts, so that a hostile module cannot make
// later stages allocate or compile without end. Each is checked before
// the memory it guards is allocated. A zero field means the default.
type Limits struct {
	ModuleSize   int    // bytes of the whole module
	Types        uint32 // entries of the type section
	Funcs        uint32 // functions, imported and defined
	Imports      uint32
	Exports      uint32
	Globals      uint32 // imported and defined
	Tables       uint32 // imported and defined
	Memories     uint32 // imported and defined
	DataSegments uint32
	ElemSegments uint32
	Params       uint32 // per function type
	Results      uint32 // per function type
	Locals       uint32 // per function, parameters included
	FuncSize     uint32 // bytes of one function body, locals included
	TableSize    uint32 // initial elements of a table
	// NestingDepth bounds the blocks, loops and ifs open at once in a
	// function body or constant expression.
	NestingDepth uint32
	// MemoryPages bounds the initial pages of a memory. Values above the
	// spec's 65536 are left to validate, which reports them in the
	// spec's words; so this only bites when set lower.
	MemoryPages uint32
}

// DefaultLimits are the JS embedding API's implementation limits
// (https://webassembly.github.io/spec/js-api/#limits), which wasmtime and
// the browsers also apply, but for element segments, bounded as wasmtime
// bounds them (see ElemSegments).
var DefaultLimits = Limits{
	ModuleSize:   1 << 30,
	Types:        1000000,
	Funcs:        1000000,
	Imports:      100000,
	Exports:      100000,
	Globals:      1000000,
	Tables:       100000,
	Memories:     100, // the spec allows one; more is validate's "multiple memories"
	DataSegments: 100000,
	// wasmtime's parser allows 100,000 element segments (the JS API text
	// leaves them unbounded). Each one costs the compiler a few hundred
	// bytes for ~6 bytes of module, so 10 million (the earlier bound)
	// let a 60 MB module take over 6 GB to compile.
	ElemSegments: 100000,
	Params:       1000,
	Results:      1000,
	Locals:       50000,
	FuncSize:     7654321,
	TableSize:    10000000,
	// Not a JS API limit (it has none; a maximal body could nest 3.8
	// million deep): 262,144 is far beyond any compiler's output and
	// compiles in about a second and a half.
	NestingDepth: 1 << 18,
	MemoryPages:  65536,
}

// withDefaults returns l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(v *uint32, def uint32) {
		if *v == 0 {
			*v = def
		}
	}
	if l.ModuleSize == 0 {
		l.ModuleSize = d.ModuleSize
	}
	set(&l.Types, d.Types)
	set(&l.Funcs, d.Funcs)
	set(&l.Imports, d.Imports)
	set(&l.Exports, d.Exports)
	set(&l.Globals, d.Globals)
	set(&l.Tables, d.Tables)
	set(&l.Memories, d.Memories)
	set(&l.DataSegments, d.DataSegments)
	set(&l.ElemSegments, d.ElemSegments)
	set(&l.Params, d.Params)
	set(&l.Results, d.Results)
	set(&l.Locals, d.Locals)
	set(&l.FuncSize, d.FuncSize)
	set(&l.TableSize, d.TableSize)
	set(&l.MemoryPages, d.MemoryPages)
	set(&l.NestingDepth, d.NestingDepth)
	return l
}
