package command_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/load"
)

// TestPerfMapNamesEscaped: a perf map is one "START SIZE NAME" line per
// function, and the names are the module's. A line break in one added a
// line of the module's making (any address, any name) to the map perf
// reads; now every line is one of the module's functions.
func TestPerfMapNamesEscaped(t *testing.T) {
	// (func $f), not exported, named "f\nffff0000 10 host_function" in
	// the name section.
	const evil = "f\nffff0000 10 host_function"
	wasm := "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" + "\x03\x02\x01\x00" +
		"\x0a\x04\x01\x02\x00\x0b" +
		"\x00" + string(rune(len("\x04name\x01")+2+2+len(evil))) + "\x04name\x01" +
		string(rune(2+2+len(evil))) + "\x01\x00" + string(rune(len(evil))) + evil
	mod, err := compile.Load([]byte(wasm), compile.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()
	if mod.Meta.Funcs[0].Name != evil {
		t.Fatalf("the function is named %q, not by the name section", mod.Meta.Funcs[0].Name)
	}
	var m strings.Builder
	if err := command.WritePerfMap(&m, map[string]*load.Module{"m": mod}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(m.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(lines[0], ` wasm:m:f\nffff0000 10 host_function`) {
		t.Errorf("perf map %q, want one line naming the function escaped", m.String())
	}
}
