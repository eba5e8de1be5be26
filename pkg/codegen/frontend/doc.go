// Package frontend translates one validated WebAssembly function body into
// an ssa.Func. In: a *wasm.Module and a function index. Out: an ssa.Func
// whose values use only machine-independent ops.
package frontend
