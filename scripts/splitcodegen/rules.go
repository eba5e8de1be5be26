package main

// fileRules maps every file of pkg/codegen to the directory (relative to
// pkg/codegen, "" for the driver itself) it moves to. A file that appears in
// pkg/codegen but not here stops the tool with "no rule for FILE": add it.
// Methods always follow their receiver type, wherever the file rule points.
var fileRules = map[string]string{
	// driver
	"codegen.go": "",

	// SSA and its passes
	"ir.go":          "ssa",
	"op.go":          "ssa",
	"pass_bce.go":    "ssa",
	"pass_fold.go":   "ssa",
	"pass_gvn.go":    "ssa",
	"pass_layout.go": "ssa",
	"pass_params.go": "ssa",
	"pass_simd.go":   "ssa",
	"fuel.go":        "ssa",

	// wasm -> SSA
	"build.go":      "frontend",
	"build_simd.go": "frontend",

	// register allocation over abstract registers
	"regalloc.go":       "regalloc",
	"regalloc_check.go": "regalloc",

	// x86-64
	"regs.go":         "isa/amd64",
	"emit.go":         "isa/amd64",
	"emit_call.go":    "isa/amd64",
	"emit_ops.go":     "isa/amd64",
	"emit_shuffle.go": "isa/amd64",
	"emit_simd.go":    "isa/amd64",

	// tests of internals stay with what they test; whole-pipeline tests
	// (package codegen_test and the exec tests) stay with the driver.
	"pass_fold_test.go":      "", // builds SSA from wasm: needs frontend
	"pass_gvn_test.go":       "", // likewise
	"ssa_test.go":            "",
	"fuel_test.go":           "",
	"dump_test.go":           "",
	"compile_test.go":        "",
	"exec_test.go":           "",
	"golden_test.go":         "",
	"scale_test.go":          "",
	"fuzz_test.go":           "",
	"difffuzz_test.go":       "",
	"simd_fuzz_test.go":      "",
	"backtrace_exec_test.go": "",
	"bulk_exec_test.go":      "",
	"select_exec_test.go":    "",
	"shuffle_exec_test.go":   "",
	"simd_exec_test.go":      "",
	"spill_exec_test.go":     "",
}

// declRules override fileRules for single top-level declarations, keyed
// "file.go:Name" (Name of a func, type, var or const; for a grouped
// var/const/type declaration, any name of the group moves the whole group).
var declRules = map[string]string{
	// codegen.go mixes the driver with x86-64 stubs and trampolines.
	"codegen.go:emitTrapRoutine": "isa/amd64",
	"codegen.go:emitExitRoutine": "isa/amd64",
	"codegen.go:loadSlot":        "isa/amd64",
	"codegen.go:storeSlot":       "isa/amd64",
	"codegen.go:emitEntryStub":   "isa/amd64",
	"codegen.go:emitHostStub":    "isa/amd64",
	// Options is read by every stage: it lives with the SSA, the leaf, and
	// pkg/codegen keeps an alias.
	"codegen.go:Options": "ssa",
	// The pass pipeline is the SSA's: the driver calls one Optimize and the
	// passes stay unexported.
	"codegen.go:optimize": "ssa",
	// Machine-independent helpers that sit in files of other stages.
	"build.go:valTypes":       "ssa",
	"build.go:valType":        "ssa",
	"build.go:ErrUnsupported": "ssa",
	"build.go:builtinImms":    "ssa",
	"emit_simd.go:fd":         "ssa",
	// Tests of one stage that need no other stage go with it, so that
	// they do not make its internals exported.
	"ssa_test.go:TestParallelMoveCycle": "isa/amd64",
	"ssa_test.go:simulateMoves":         "isa/amd64",
	"pass_fold_test.go:TestEvalConst":   "ssa",
}

// docs is the doc.go written into each new package: what flows in and out.
var docs = map[string]string{
	"ssa": `// Package ssa is the machine-independent intermediate representation of
// the compiler: Func, Block, Value and Op, and the passes over them, one pass
// per file. In: a Func built by package frontend. Out: the same Func,
// optimized in place, handed to regalloc and to an ISA backend.
`,
	"frontend": `// Package frontend translates one validated WebAssembly function body into
// an ssa.Func. In: a *wasm.Module and a function index. Out: an ssa.Func
// whose values use only machine-independent ops.
`,
	"regalloc": `// Package regalloc assigns registers and spill slots to the values of an
// ssa.Func. It knows registers only as abstract numbers: the ISA supplies
// a Target (allocatable sets, argument registers, names). In: an optimized
// ssa.Func. Out: a location for every value, read by the ISA's emitter.
`,
	"isa/amd64": `// Package amd64 is the x86-64 backend: register sets and the regalloc
// Target, the calling convention, instruction selection and encoding of
// every SSA op through internal/asm, and the entry/exit trampolines and
// host-call stubs. In: an ssa.Func with registers allocated. Out: machine
// code and relocations in an asm.Assembler.
//
// An arm64 port would be a sibling folder isa/arm64 providing the same
// things: a regalloc.Target over the arm64 register file (x0-x28, v0-v31),
// its calling convention (AAPCS64 for host calls), an assembler like
// internal/asm for the A64 encodings, lowering of each ssa.Op (bounds checks
// with cmp/b.hs, no flags-free lea tricks), the trampolines, and an
// object-format machine tag so that execute loads it only on arm64.
`,
}

// outNames renames output files, keyed target/file.go, where the
// declarations a file keeps in a package are not what its old name says.
var outNames = map[string]string{
	"ssa/codegen.go":        "optimize.go",
	"ssa/build.go":          "types.go",
	"ssa/emit_simd.go":      "simd.go",
	"isa/amd64/codegen.go":  "stubs.go",
	"isa/amd64/ssa_test.go": "parallel_move_test.go",
	"ssa/pass_fold_test.go": "pass_fold_test.go",
}
