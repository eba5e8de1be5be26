package objdump_test

import (
	"bytes"
	"os"

	"github.com/lucet-go/lucet/cmd/lucet-objdump/objdump"
)

// Run is lucet-objdump in process: here `lucet-objdump -` with a small
// .wasm on standard input, (module (memory 1) (func (export "answer")
// (result i32) i32.const 42) (data (i32.const 16) "hi")).
func ExampleRun() {
	module := []byte("\x00asm\x01\x00\x00\x00" +
		"\x01\x05\x01\x60\x00\x01\x7f" + // type: [] -> [i32]
		"\x03\x02\x01\x00" + // function: one, of type 0
		"\x05\x03\x01\x00\x01" + // memory: min 1
		"\x07\x0a\x01\x06answer\x00\x00" + // export "answer": func 0
		"\x0a\x06\x01\x04\x00\x41\x2a\x0b" + // code: i32.const 42
		"\x0b\x08\x01\x00\x41\x10\x0b\x02hi") // data: "hi" at 16
	code := objdump.Run([]string{"lucet-objdump", "-"}, bytes.NewReader(module), os.Stdout, os.Stderr)
	if code != 0 {
		os.Exit(code)
	}
	// Output:
	// Module <stdin>
	//   format:          WebAssembly binary, version 1
	//   size:            54 bytes
	//   valid:           yes
	//
	// Sections: 6
	//   type       start 0x0000000a end 0x0000000f size        5  count 1
	//   function   start 0x00000011 end 0x00000013 size        2  count 1
	//   memory     start 0x00000015 end 0x00000018 size        3  count 1
	//   export     start 0x0000001a end 0x00000024 size       10  count 1
	//   code       start 0x00000026 end 0x0000002c size        6  count 1
	//   data       start 0x0000002e end 0x00000036 size        8  count 1
	//
	// Types: 1
	//   type 0: [] -> [i32]
	//
	// Imports: 0
	//
	// Functions: 1 defined, 0 imported
	//   func 0: type 0 [] -> [i32], body 4 bytes at 0x28, 0 locals, exported as "answer"
	//
	// Tables: 0
	//
	// Memories: 1
	//   memory 0: initial 1 pages (64 KiB), no max
	//
	// Globals: 0
	//
	// Exports: 1
	//   "answer": func 0
	//
	// Start function: none
	//
	// Element segments: 0
	//
	// Data segments: 1 (2 B; 1 active, 0 passive)
	//   data 0: active, memory 0 at i32.const 16, 2 bytes
	//
	// Custom sections: 0
}
