// Package preview1 is wasi_snapshot_preview1 as a core-wasm module sees it: the
// import module name and the name and signature of each of its 46
// functions. It is the one table both sides use: lucet-validate --wasi
// checks a module's imports against it (Check), and package wasi builds
// its host functions from it.
//
// In: nothing (a table), or a decoded *wasm.Module for Check. Out: names
// and wasm.FuncTypes, or the first way a module fails to be a WASI preview 1
// program. It imports only pkg/wasm, so checking a module does not link
// the host implementation (its syscalls, its fd table) into the validator,
// and the host implementation does not depend on the compiler.
package preview1

import (
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// ModuleName is the import module name of every function in Funcs.
const ModuleName = "wasi_snapshot_preview1"

// Func is one function of wasi_snapshot_preview1.
type Func struct {
	Name string
	Type wasm.FuncType
}

const (
	i32 = wasm.I32
	i64 = wasm.I64
)

// errnoResult is the result of all but proc_exit.
var errnoResult = []wasm.ValType{i32}

// funcs is every function with its core-wasm signature: the witx
// definitions lowered (handles, pointers, sizes and flags of up to 32 bits
// are i32; rights, offsets, timestamps and file sizes are i64), in the
// order package wasi lists them, proc_exit last. Composite literals only
// (no calls), so the table is static data: no package initialisation.
var funcs = []Func{
	{"args_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"args_sizes_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"environ_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"environ_sizes_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"clock_res_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"clock_time_get", wasm.FuncType{Params: []wasm.ValType{i32, i64, i32}, Results: errnoResult}},
	{"fd_advise", wasm.FuncType{Params: []wasm.ValType{i32, i64, i64, i32}, Results: errnoResult}},
	{"fd_allocate", wasm.FuncType{Params: []wasm.ValType{i32, i64, i64}, Results: errnoResult}},
	{"fd_close", wasm.FuncType{Params: []wasm.ValType{i32}, Results: errnoResult}},
	{"fd_datasync", wasm.FuncType{Params: []wasm.ValType{i32}, Results: errnoResult}},
	{"fd_fdstat_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_fdstat_set_flags", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_fdstat_set_rights", wasm.FuncType{Params: []wasm.ValType{i32, i64, i64}, Results: errnoResult}},
	{"fd_filestat_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_filestat_set_size", wasm.FuncType{Params: []wasm.ValType{i32, i64}, Results: errnoResult}},
	{"fd_filestat_set_times", wasm.FuncType{Params: []wasm.ValType{i32, i64, i64, i32}, Results: errnoResult}},
	{"fd_pread", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i64, i32}, Results: errnoResult}},
	{"fd_prestat_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_prestat_dir_name", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32}, Results: errnoResult}},
	{"fd_pwrite", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i64, i32}, Results: errnoResult}},
	{"fd_read", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32}, Results: errnoResult}},
	{"fd_readdir", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i64, i32}, Results: errnoResult}},
	{"fd_renumber", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_seek", wasm.FuncType{Params: []wasm.ValType{i32, i64, i32, i32}, Results: errnoResult}},
	{"fd_sync", wasm.FuncType{Params: []wasm.ValType{i32}, Results: errnoResult}},
	{"fd_tell", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"fd_write", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32}, Results: errnoResult}},
	{"path_create_directory", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32}, Results: errnoResult}},
	{"path_filestat_get", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"path_filestat_set_times", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i64, i64, i32}, Results: errnoResult}},
	{"path_link", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"path_open", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32, i64, i64, i32, i32}, Results: errnoResult}},
	{"path_readlink", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"path_remove_directory", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32}, Results: errnoResult}},
	{"path_rename", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"path_symlink", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"path_unlink_file", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32}, Results: errnoResult}},
	{"poll_oneoff", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32}, Results: errnoResult}},
	{"proc_raise", wasm.FuncType{Params: []wasm.ValType{i32}, Results: errnoResult}},
	{"sched_yield", wasm.FuncType{Params: []wasm.ValType{}, Results: errnoResult}},
	{"random_get", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{"sock_accept", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32}, Results: errnoResult}},
	{"sock_recv", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"sock_send", wasm.FuncType{Params: []wasm.ValType{i32, i32, i32, i32, i32}, Results: errnoResult}},
	{"sock_shutdown", wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: errnoResult}},
	{Name: "proc_exit", Type: wasm.FuncType{Params: []wasm.ValType{i32}}},
}

// byName is a lazy.Value, not a sync.OnceValue, whose call in the
// initialiser would be package initialisation every lucet-run runs.
var byName = lazy.Value[map[string]int]{New: func() map[string]int {
	m := make(map[string]int, len(funcs))
	for i, f := range funcs {
		m[f.Name] = i
	}
	return m
}}

// Funcs returns every function of wasi_snapshot_preview1, proc_exit last.
// The slice is shared: do not modify it.
func Funcs() []Func { return funcs }

// Lookup returns the signature of the function called name.
func Lookup(name string) (wasm.FuncType, bool) {
	i, ok := byName.Get()[name]
	if !ok {
		return wasm.FuncType{}, false
	}
	return funcs[i].Type, true
}
