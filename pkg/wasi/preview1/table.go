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
	"sync"

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

// fn builds the signature of a function returning an errno, the shape of
// all but proc_exit.
func fn(name string, params ...wasm.ValType) Func {
	return Func{Name: name, Type: wasm.FuncType{Params: params, Results: []wasm.ValType{i32}}}
}

// funcs is every function with its core-wasm signature: the witx
// definitions lowered (handles, pointers, sizes and flags of up to 32 bits
// are i32; rights, offsets, timestamps and file sizes are i64), in the
// order package wasi lists them, proc_exit last. It is built on first use,
// not at package initialisation, which every program linking WASI paid.
var funcs = sync.OnceValue(func() []Func {
	return []Func{
		fn("args_get", i32, i32),
		fn("args_sizes_get", i32, i32),
		fn("environ_get", i32, i32),
		fn("environ_sizes_get", i32, i32),
		fn("clock_res_get", i32, i32),
		fn("clock_time_get", i32, i64, i32),
		fn("fd_advise", i32, i64, i64, i32),
		fn("fd_allocate", i32, i64, i64),
		fn("fd_close", i32),
		fn("fd_datasync", i32),
		fn("fd_fdstat_get", i32, i32),
		fn("fd_fdstat_set_flags", i32, i32),
		fn("fd_fdstat_set_rights", i32, i64, i64),
		fn("fd_filestat_get", i32, i32),
		fn("fd_filestat_set_size", i32, i64),
		fn("fd_filestat_set_times", i32, i64, i64, i32),
		fn("fd_pread", i32, i32, i32, i64, i32),
		fn("fd_prestat_get", i32, i32),
		fn("fd_prestat_dir_name", i32, i32, i32),
		fn("fd_pwrite", i32, i32, i32, i64, i32),
		fn("fd_read", i32, i32, i32, i32),
		fn("fd_readdir", i32, i32, i32, i64, i32),
		fn("fd_renumber", i32, i32),
		fn("fd_seek", i32, i64, i32, i32),
		fn("fd_sync", i32),
		fn("fd_tell", i32, i32),
		fn("fd_write", i32, i32, i32, i32),
		fn("path_create_directory", i32, i32, i32),
		fn("path_filestat_get", i32, i32, i32, i32, i32),
		fn("path_filestat_set_times", i32, i32, i32, i32, i64, i64, i32),
		fn("path_link", i32, i32, i32, i32, i32, i32, i32),
		fn("path_open", i32, i32, i32, i32, i32, i64, i64, i32, i32),
		fn("path_readlink", i32, i32, i32, i32, i32, i32),
		fn("path_remove_directory", i32, i32, i32),
		fn("path_rename", i32, i32, i32, i32, i32, i32),
		fn("path_symlink", i32, i32, i32, i32, i32),
		fn("path_unlink_file", i32, i32, i32),
		fn("poll_oneoff", i32, i32, i32, i32),
		fn("proc_raise", i32),
		fn("sched_yield"),
		fn("random_get", i32, i32),
		fn("sock_accept", i32, i32, i32),
		fn("sock_recv", i32, i32, i32, i32, i32, i32),
		fn("sock_send", i32, i32, i32, i32, i32),
		fn("sock_shutdown", i32, i32),
		{Name: "proc_exit", Type: wasm.FuncType{Params: []wasm.ValType{i32}}},
	}
})

var byName = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(funcs()))
	for i, f := range funcs() {
		m[f.Name] = i
	}
	return m
})

// Funcs returns every function of wasi_snapshot_preview1, proc_exit last.
// The slice is shared: do not modify it.
func Funcs() []Func { return funcs() }

// Lookup returns the signature of the function called name.
func Lookup(name string) (wasm.FuncType, bool) {
	i, ok := byName()[name]
	if !ok {
		return wasm.FuncType{}, false
	}
	return funcs()[i].Type, true
}
