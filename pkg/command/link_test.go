package command_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/execute"
)

func instantiate(t *testing.T, main string, opts command.Options) (*command.Instance, error) {
	t.Helper()
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return command.Instantiate(st, module(t, main), opts)
}

// A preloaded library's function, memory, global and table are the very
// ones the main module uses; unknown imports trap or return zeros as asked.
func TestPreload(t *testing.T) {
	lib := command.Preload{Name: "lib", Module: module(t, "testdata/lib.wasm")}
	for _, tc := range []struct {
		mode    command.UnknownImports
		missing string // result of invoking "missing", or the error
	}{
		{command.TrapUnknown, "wasm trap: call to unknown import env.missing"},
		{command.DefaultUnknown, "0"},
	} {
		inst, err := instantiate(t, "testdata/main.wasm", command.Options{Preloads: []command.Preload{lib}, UnknownImports: tc.mode})
		if err != nil {
			t.Fatal(err)
		}
		res, err := command.Invoke(inst.Instance, "run", []string{"3", "4"})
		if err != nil || len(res) != 1 || res[0] != "9" { // 3+4, plus 2 calls counted
			t.Errorf("run 3 4 = %q, %v; want 9", res, err)
		}
		mem := inst.Preloads["lib"].Memory().Bytes()
		if mem[16] != 7 {
			t.Errorf("lib's memory[16] = %d, want 7 stored by main", mem[16])
		}
		res, err = command.Invoke(inst.Instance, "missing", nil)
		got := strings.Join(res, " ")
		if err != nil {
			got = err.Error()
			var u *command.UnknownImportError
			if !errors.As(err, &u) {
				t.Errorf("error %T, want *UnknownImportError", err)
			}
		}
		if got != tc.missing {
			t.Errorf("mode %d: missing() = %q, want %q", tc.mode, got, tc.missing)
		}
		inst.Close()
	}
	// Without a policy the unknown import is a link error.
	if _, err := instantiate(t, "testdata/main.wasm", command.Options{Preloads: []command.Preload{lib}}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("unknown import refused: %v", err)
	}
}

func TestPreloadSetupErrors(t *testing.T) {
	a := command.Preload{Name: "a", Module: module(t, "testdata/cycle_a.wasm")}
	b := command.Preload{Name: "b", Module: module(t, "testdata/cycle_b.wasm")}
	lib := command.Preload{Name: "lib", Module: module(t, "testdata/lib.wasm")}
	for _, tc := range []struct {
		preloads []command.Preload
		want     string
	}{
		{[]command.Preload{a, b}, "preload cycle: a imports b imports a"},
		{[]command.Preload{lib, lib}, "preload lib: name given twice"},
		{[]command.Preload{{Name: "wasi_snapshot_preview1", Module: lib.Module}}, "preload wasi_snapshot_preview1: the name is WASI's"},
	} {
		_, err := instantiate(t, "testdata/lib.wasm", command.Options{Preloads: tc.preloads})
		var se *command.LinkSetupError
		if !errors.As(err, &se) || err.Error() != tc.want {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

func TestInvokeArgErrors(t *testing.T) {
	inst, err := instantiate(t, "testdata/lib.wasm", command.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for args, want := range map[string]string{
		"nope":        `no export "nope"`,
		"mem":         `export "mem" is a memory, not a function`,
		"add 1":       "add takes 2 arguments",
		"add 1 x":     `argument 2: "x" is not an i32`,
		"add 1 i64:2": `argument 2: "i64:2" is typed i64, the parameter is i32`,
	} {
		f := strings.Fields(args)
		_, err := command.Invoke(inst.Instance, f[0], f[1:])
		if !command.IsArgError(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("invoke %s: %v, want an ArgError with %q", args, err, want)
		}
	}
}

// TestDefaultUnknownV128: a default-valued import returning v128 returns
// zero in both halves. Only its first slot was cleared, so f(v128 5 6)
// returned 6 in the high half (what the argument left on the stack).
func TestDefaultUnknownV128(t *testing.T) {
	inst, err := instantiate(t, "testdata/defaultv128.wasm", command.Options{UnknownImports: command.DefaultUnknown})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for _, c := range []struct{ export, want string }{
		{"run", "0x00000000000000000000000000000000"},
		{"run2", "0 0 0"},
	} {
		res, err := command.Invoke(inst.Instance, c.export, nil)
		if got := strings.Join(res, " "); err != nil || got != c.want {
			t.Errorf("%s() = %q, %v; want %q", c.export, got, err, c.want)
		}
	}
}

// TestPreloadTypeMismatchWords: a preload's extern of another type is
// named in the text format's words, not as a Go struct ("want {funcref {2
// 0 false}}, have {funcref {1 0 false}}").
func TestPreloadTypeMismatchWords(t *testing.T) {
	a := command.Preload{Name: "a", Module: module(t, "testdata/exporter.wasm")}
	for _, c := range []struct{ main, want string }{
		{"testdata/mismatch.wasm", `incompatible import type: "a" "t": want table 2 funcref, have table 1 funcref`},
		{"testdata/mismatch_mem.wasm", `incompatible import type: "a" "mem": want memory 2 2, have memory 1 2`},
		{"testdata/mismatch_glob.wasm", `incompatible import type: "a" "g": want i32, have (mut i32)`},
	} {
		_, err := instantiate(t, c.main, command.Options{Preloads: []command.Preload{a}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.main, err, c.want)
		}
	}
}
