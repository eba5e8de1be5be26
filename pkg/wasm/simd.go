package wasm

// SIMDOpcodeValid reports whether sub is a SIMD (0xFD-prefixed) opcode of
// WebAssembly 2.0.
// PLACEHOLDER: the validate work replaces this with the full table of
// names and signatures.
func SIMDOpcodeValid(sub uint32) bool { return sub <= 0xFF }

func simdName(op Opcode) string { return "" }
