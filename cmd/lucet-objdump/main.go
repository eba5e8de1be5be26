// Command lucet-objdump describes a WebAssembly module or a module
// compiled by lucetc.
//
// For a .wasm: its sections (as wasm-objdump -h counts them), types,
// imports, functions with their body sizes, tables, memories, globals,
// exports, start function, element, data and custom sections, and whether
// it validates; -d compiles it in memory, as lucet-run does, and adds each
// function's machine code. For a .so: its header (format and ABI versions,
// CPU features, checksum, the compiler version that wrote it, and the key
// of its signature and whether it verifies), memory and data image,
// globals, tables, types, imports, exports, functions with their trap and
// call sites, and stubs; -d adds an annotated disassembly. --json prints the same for machines
// (schema in SCHEMA.md).
//
// Usage: lucet-objdump [-d] [--json] [--syntax gnu|intel] MODULE
// MODULE "-" (or none, when standard input is not a terminal) reads the
// module from standard input, so `lucetc x.wasm | lucet-objdump` works.
// Exit status: 0 success, 1 the input was refused (unreadable, not a
// module, malformed, or with -d failed to compile), 2 usage error.
package main

import (
	"os"

	"github.com/lucet-go/lucet/cmd/lucet-objdump/objdump"
)

func main() {
	os.Exit(objdump.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
