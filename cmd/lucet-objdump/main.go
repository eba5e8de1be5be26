// Command lucet-objdump describes a module compiled by lucetc: its header
// (format and ABI versions, CPU features, checksum), memory, data, globals,
// tables, types, imports, exports, functions with their trap and call
// sites, and stubs; -d adds an annotated disassembly, --json prints the
// same for machines.
//
// Usage: lucet-objdump [-d] [--json] [--syntax gnu|intel] [x.so | -]
// With no file (or "-") it reads the module from standard input, so
// `lucetc x.wasm | lucet-objdump` works. Exit status: 0 on success, 1 on a
// file that is not a valid module, 2 on a usage or I/O error.
package main

import (
	"os"

	"github.com/lucet-go/lucet/cmd/lucet-objdump/objdump"
	"github.com/lucet-go/lucet/internal/cliflag"
)

func main() {
	if cliflag.PrintVersion(os.Args, os.Stdout, "lucet-objdump") {
		return
	}
	os.Exit(objdump.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
