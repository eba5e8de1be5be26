package preview1

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestWitx checks the table against the witx-lowered signatures, written
// out independently of it (i = i32, I = i64).
func TestWitx(t *testing.T) {
	want := map[string]string{
		"args_get": "ii:i", "args_sizes_get": "ii:i", "environ_get": "ii:i", "environ_sizes_get": "ii:i",
		"clock_res_get": "ii:i", "clock_time_get": "iIi:i",
		"fd_advise": "iIIi:i", "fd_allocate": "iII:i", "fd_close": "i:i", "fd_datasync": "i:i",
		"fd_fdstat_get": "ii:i", "fd_fdstat_set_flags": "ii:i", "fd_fdstat_set_rights": "iII:i",
		"fd_filestat_get": "ii:i", "fd_filestat_set_size": "iI:i", "fd_filestat_set_times": "iIIi:i",
		"fd_pread": "iiiIi:i", "fd_prestat_get": "ii:i", "fd_prestat_dir_name": "iii:i",
		"fd_pwrite": "iiiIi:i", "fd_read": "iiii:i", "fd_readdir": "iiiIi:i", "fd_renumber": "ii:i",
		"fd_seek": "iIii:i", "fd_sync": "i:i", "fd_tell": "ii:i", "fd_write": "iiii:i",
		"path_create_directory": "iii:i", "path_filestat_get": "iiiii:i",
		"path_filestat_set_times": "iiiiIIi:i", "path_link": "iiiiiii:i",
		"path_open": "iiiiiIIii:i", "path_readlink": "iiiiii:i", "path_remove_directory": "iii:i",
		"path_rename": "iiiiii:i", "path_symlink": "iiiii:i", "path_unlink_file": "iii:i",
		"poll_oneoff": "iiii:i", "proc_exit": "i:", "proc_raise": "i:i", "sched_yield": ":i",
		"random_get": "ii:i", "sock_accept": "iii:i", "sock_recv": "iiiiii:i", "sock_send": "iiiii:i",
		"sock_shutdown": "ii:i",
	}
	enc := func(ts []wasm.ValType) string {
		var b strings.Builder
		for _, v := range ts {
			switch v {
			case wasm.I32:
				b.WriteByte('i')
			case wasm.I64:
				b.WriteByte('I')
			default:
				b.WriteByte('?')
			}
		}
		return b.String()
	}
	funcs := Funcs()
	if len(funcs) != len(want) {
		t.Errorf("got %d functions, want %d", len(funcs), len(want))
	}
	seen := map[string]bool{}
	for _, f := range funcs {
		if seen[f.Name] {
			t.Errorf("duplicate %s", f.Name)
		}
		seen[f.Name] = true
		got := enc(f.Type.Params) + ":" + enc(f.Type.Results)
		if w, ok := want[f.Name]; !ok {
			t.Errorf("unexpected function %s", f.Name)
		} else if got != w {
			t.Errorf("%s: signature %s, want %s", f.Name, got, w)
		}
	}
}

func TestTable(t *testing.T) {
	fs := Funcs()
	if len(fs) != 46 {
		t.Fatalf("%d functions, want preview 1's 46", len(fs))
	}
	if fs[len(fs)-1].Name != "proc_exit" {
		t.Errorf("last function %s, want proc_exit", fs[len(fs)-1].Name)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] {
			t.Errorf("%s listed twice", f.Name)
		}
		seen[f.Name] = true
		want := []wasm.ValType{wasm.I32}
		if f.Name == "proc_exit" {
			want = nil
		}
		if !(wasm.FuncType{Results: want}).Equal(wasm.FuncType{Results: f.Type.Results}) {
			t.Errorf("%s returns %v, want %v", f.Name, f.Type.Results, want)
		}
		if got, ok := Lookup(f.Name); !ok || !got.Equal(f.Type) {
			t.Errorf("Lookup(%s) = %s, %v", f.Name, got, ok)
		}
	}
	if _, ok := Lookup("fd_nonesuch"); ok {
		t.Error("Lookup found fd_nonesuch")
	}
}

// module builds a module with the given imports (each a name and
// signature from wasi_snapshot_preview1 unless mod is set) and exports of
// defined functions of the given types.
type imp struct {
	mod, name string
	typ       wasm.FuncType
	kind      wasm.ExternKind
}

type exp struct {
	name string
	typ  wasm.FuncType
	kind wasm.ExternKind
}

func module(imps []imp, exps []exp) *wasm.Module {
	m := &wasm.Module{}
	for _, im := range imps {
		if im.mod == "" {
			im.mod = ModuleName
		}
		m.Types = append(m.Types, im.typ)
		m.Imports = append(m.Imports, wasm.Import{Module: im.mod, Name: im.name, Kind: im.kind, Type: uint32(len(m.Types) - 1)})
		if im.kind == wasm.ExternFunc {
			m.NumImportedFuncs++
		}
	}
	for _, ex := range exps {
		m.Types = append(m.Types, ex.typ)
		m.Funcs = append(m.Funcs, uint32(len(m.Types)-1))
		m.Exports = append(m.Exports, wasm.Export{Name: ex.name, Kind: ex.kind, Index: m.NumImportedFuncs + uint32(len(m.Funcs)-1)})
	}
	return m
}

func TestCheck(t *testing.T) {
	fdWrite, _ := Lookup("fd_write")
	nullary := wasm.FuncType{}
	start := exp{"_start", nullary, wasm.ExternFunc}
	for _, tc := range []struct {
		name string
		m    *wasm.Module
		err  string // substring; "" for ok
	}{
		{"command", module([]imp{{name: "fd_write", typ: fdWrite}}, []exp{start}), ""},
		{"reactor", module(nil, []exp{{"_initialize", nullary, wasm.ExternFunc}}), ""},
		{"other module", module([]imp{{mod: "env", name: "f", typ: nullary}}, []exp{start}), "only wasi_snapshot_preview1 imports"},
		{"memory import", module([]imp{{name: "memory", kind: wasm.ExternMemory}}, []exp{start}), "provides only functions"},
		{"unknown", module([]imp{{name: "fd_nonesuch", typ: fdWrite}}, []exp{start}), "no such function"},
		{"signature", module([]imp{{name: "fd_write", typ: nullary}}, []exp{start}), "signature [] -> [], want"},
		{"no start", module(nil, nil), "must export _start"},
		{"both", module(nil, []exp{start, {"_initialize", nullary, wasm.ExternFunc}}), "not both"},
		{"start type", module(nil, []exp{{"_start", fdWrite, wasm.ExternFunc}}), "want [] -> []"},
		{"start kind", module(nil, []exp{{"_start", nullary, wasm.ExternGlobal}}), "want a function"},
	} {
		err := Check(tc.m)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
}

func ExampleLookup() {
	t, _ := Lookup("fd_write")
	fmt.Println(ModuleName, "fd_write", t)
	// Output: wasi_snapshot_preview1 fd_write [i32 i32 i32 i32] -> [i32]
}
