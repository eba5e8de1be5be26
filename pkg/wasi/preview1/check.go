package preview1

import (
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Check reports the first way m fails to be a WASI preview 1 program: an
// import that preview 1 does not provide or provides with another
// signature, or, for a command (a module that does not export
// _initialize), a missing or mistyped _start. Reactors need no _start.
func Check(m *wasm.Module) error {
	for n, im := range m.Imports {
		if im.Module != ModuleName {
			return fmt.Errorf("wasi: import %d %s.%s: only %s imports are provided", n, im.Module, im.Name, ModuleName)
		}
		if im.Kind != wasm.ExternFunc {
			return fmt.Errorf("wasi: import %d %s.%s: a %s; %s provides only functions", n, im.Module, im.Name, im.Kind, ModuleName)
		}
		want, ok := Lookup(im.Name)
		if !ok {
			return fmt.Errorf("wasi: import %d %s.%s: no such function in %s", n, im.Module, im.Name, ModuleName)
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
