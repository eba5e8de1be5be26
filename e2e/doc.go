// Package e2e holds lucet's end-to-end tests: real WASI programs (C and Go,
// built for wasm32-wasi and committed under testdata/wasi) compiled by the
// lucetc binary and run by the lucet-run binary, with their stdout, exit
// code and stderr compared against expectations that were produced under
// Node's WASI and cross-checked against native builds; and pipelines between
// the built tools (lucetc | lucet-objdump, lucetc -o + lucet-run --invoke,
// bad inputs).
//
// In: the committed .wasm files and testdata/wasi/cases.txt. Out: test
// results only. Cases that are known not to work yet are listed, with the
// reason, in testdata/known-failures.txt.
package e2e
