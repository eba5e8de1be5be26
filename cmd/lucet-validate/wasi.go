package main

import (
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// wasiModule is the import module name of WASI preview 1.
const wasiModule = "wasi_snapshot_preview1"

// wasiFuncs are the core-wasm signatures of every wasi_snapshot_preview1
// function (the witx definitions lowered: handles, pointers, sizes and
// flags of up to 32 bits are i32; rights, offsets, timestamps and sizes
// of files are i64). All but proc_exit return an i32 errno. Kept here
// rather than taken from pkg/wasi so that checking a module does not
// depend on the runtime.
var wasiFuncs = func() map[string]wasm.FuncType {
	const (
		i = wasm.I32
		I = wasm.I64
	)
	errno := []wasm.ValType{i}
	p := func(ts ...wasm.ValType) []wasm.ValType { return ts }
	m := map[string]wasm.FuncType{}
	for name, params := range map[string][]wasm.ValType{
		"args_get":                p(i, i),
		"args_sizes_get":          p(i, i),
		"environ_get":             p(i, i),
		"environ_sizes_get":       p(i, i),
		"clock_res_get":           p(i, i),
		"clock_time_get":          p(i, I, i),
		"fd_advise":               p(i, I, I, i),
		"fd_allocate":             p(i, I, I),
		"fd_close":                p(i),
		"fd_datasync":             p(i),
		"fd_fdstat_get":           p(i, i),
		"fd_fdstat_set_flags":     p(i, i),
		"fd_fdstat_set_rights":    p(i, I, I),
		"fd_filestat_get":         p(i, i),
		"fd_filestat_set_size":    p(i, I),
		"fd_filestat_set_times":   p(i, I, I, i),
		"fd_pread":                p(i, i, i, I, i),
		"fd_prestat_get":          p(i, i),
		"fd_prestat_dir_name":     p(i, i, i),
		"fd_pwrite":               p(i, i, i, I, i),
		"fd_read":                 p(i, i, i, i),
		"fd_readdir":              p(i, i, i, I, i),
		"fd_renumber":             p(i, i),
		"fd_seek":                 p(i, I, i, i),
		"fd_sync":                 p(i),
		"fd_tell":                 p(i, i),
		"fd_write":                p(i, i, i, i),
		"path_create_directory":   p(i, i, i),
		"path_filestat_get":       p(i, i, i, i, i),
		"path_filestat_set_times": p(i, i, i, i, I, I, i),
		"path_link":               p(i, i, i, i, i, i, i),
		"path_open":               p(i, i, i, i, i, I, I, i, i),
		"path_readlink":           p(i, i, i, i, i, i),
		"path_remove_directory":   p(i, i, i),
		"path_rename":             p(i, i, i, i, i, i),
		"path_symlink":            p(i, i, i, i, i),
		"path_unlink_file":        p(i, i, i),
		"poll_oneoff":             p(i, i, i, i),
		"proc_raise":              p(i),
		"sched_yield":             p(),
		"random_get":              p(i, i),
		"sock_accept":             p(i, i, i),
		"sock_recv":               p(i, i, i, i, i, i),
		"sock_send":               p(i, i, i, i, i),
		"sock_shutdown":           p(i, i),
	} {
		m[name] = wasm.FuncType{Params: params, Results: errno}
	}
	m["proc_exit"] = wasm.FuncType{Params: []wasm.ValType{i}}
	return m
}()

// checkWASI reports the first way m fails to be a WASI preview 1 program:
// an import that preview 1 does not provide or provides with another
// signature, or, for a command (a module that does not export
// _initialize), a missing or mistyped _start. Reactors need no _start.
func checkWASI(m *wasm.Module) error {
	for n, im := range m.Imports {
		if im.Module != wasiModule {
			return fmt.Errorf("wasi: import %d %s.%s: only %s imports are provided", n, im.Module, im.Name, wasiModule)
		}
		if im.Kind != wasm.ExternFunc {
			return fmt.Errorf("wasi: import %d %s.%s: a %s; %s provides only functions", n, im.Module, im.Name, im.Kind, wasiModule)
		}
		want, ok := wasiFuncs[im.Name]
		if !ok {
			return fmt.Errorf("wasi: import %d %s.%s: no such function in %s", n, im.Module, im.Name, wasiModule)
		}
		if got := m.Types[im.Type]; !got.Equal(want) {
			return fmt.Errorf("wasi: import %d %s.%s: signature %s, want %s", n, im.Module, im.Name, got, want)
		}
	}
	var start, initialize *wasm.Export
	for i := range m.Exports {
		switch e := &m.Exports[i]; e.Name {
		case "_start":
			start = e
		case "_initialize":
			initialize = e
		}
	}
	if initialize != nil {
		if start != nil {
			return fmt.Errorf("wasi: exports both _start and _initialize; a module is a command or a reactor, not both")
		}
		return checkNullary(m, initialize)
	}
	if start == nil {
		return fmt.Errorf("wasi: a command must export _start: [] -> [] (and a reactor _initialize); neither is exported")
	}
	return checkNullary(m, start)
}

func checkNullary(m *wasm.Module, e *wasm.Export) error {
	if e.Kind != wasm.ExternFunc {
		return fmt.Errorf("wasi: export %s is a %s, want a function [] -> []", e.Name, e.Kind)
	}
	if t := m.FuncType(e.Index); len(t.Params) != 0 || len(t.Results) != 0 {
		return fmt.Errorf("wasi: export %s has type %s, want [] -> []", e.Name, t)
	}
	return nil
}
