// Package bench is the instantiation benchmark stage behind lucet-bench and
// the Go benchmarks: how fast a compiled module instantiates and tears
// down, how much each live instance costs, and what happens when many live
// instances are called at once.
//
// In: a module loaded through package lucet (Load) and Options (how many instances, on how many
// goroutines, which export to call, how many to hold alive, the region
// layout). Out: a Result whose JSON form uses the field names of
// `peerbench inst` in ../shared/peers (instantiate_us, close_us,
// instances_per_s, live[].rss_kib_per_inst, ...), so lucet's figures sit in
// one table with wasmtime's and wazero's; WriteText prints the same figures
// for people.
//
// Each instance is what an edge host makes per request, made the way an
// embedder makes it: through package lucet's Pool (so the figures are what
// an embedder gets, slot reuse included), with WASI linked (argv, no
// files, stdout and stderr discarded), measured
// the way peerbench measures (instantiate with WASI, not run, unless a call
// is asked for). A call that traps is counted by trap code, never fatal:
// only a failure of the host itself (an instance that cannot be created, an
// error that is not a trap or an exit) is an error.
package bench
