package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownImportHintEscaped: the hint for an import nothing provides
// names its module for --preload, and the name is the module's. Printed
// raw, an ESC sequence in it reached the terminal and a line break split
// lucet-run's one line in two.
func TestUnknownImportHintEscaped(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	const evil = "m\x1b[2J\nFAKE"
	// (import "m\x1b[2J\nFAKE" "f" (func)), one type, nothing else.
	imp := "\x01" + string(rune(len(evil))) + evil + "\x01f\x00\x00"
	wasm := "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" + "\x02" + string(rune(len(imp))) + imp
	mod := filepath.Join(t.TempDir(), "imp.wasm")
	if err := os.WriteFile(mod, []byte(wasm), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := lucetRun(t, mod)
	if code != exitError || strings.Count(errs, "\n") != 1 || strings.ContainsRune(errs, 0x1b) ||
		!strings.Contains(errs, `--preload m\x1b[2J\nFAKE=PATH`) {
		t.Errorf("exit %d, stderr %q; want 1 and one line naming the module escaped", code, errs)
	}
}
