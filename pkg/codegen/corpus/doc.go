// Package corpus holds codegen's end-to-end benchmark runner for the C
// benchmark programs (WASI commands): in, a directory of .wasm files
// (CORPUS_DIR); out, their output and run times in both bounds modes. It
// is a separate package so that codegen's own tests do not depend on the
// WASI implementation.
package corpus
