package lucet_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet"
)

// TestErrorsEscapeModuleNames: errors name a module by its name section's
// name and its imports by their names, any UTF-8 the module chose; an
// embedder logs them, a terminal shows them. Their control characters (an
// ESC sequence, a line break) are escaped, as the tools print names.
func TestErrorsEscapeModuleNames(t *testing.T) {
	const evil = "m\x1b[2J\nFAKE"
	// (module $evil (import "m\x1b[2J\nFAKE" "f\x1b[2J\nFAKE" (func))):
	// one type, the import, a name section naming the module.
	imp := "\x01" + string(rune(len(evil))) + evil + string(rune(len(evil))) + evil + "\x00\x00"
	modName := string(rune(len(evil))) + evil
	name := "\x04name" + "\x00" + string(rune(len(modName))) + modName
	wasm := "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" +
		"\x02" + string(rune(len(imp))) + imp +
		"\x00" + string(rune(len(name))) + name
	rt := lucet.NewRuntime(lucet.RuntimeConfig{NoCache: true})
	mod, err := rt.CompileModule(context.Background(), []byte(wasm))
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()
	if mod.Name() != evil {
		t.Fatalf("Name() = %q, want the name section's, unchanged", mod.Name())
	}
	pool, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Instantiate(context.Background(), mod, lucet.InstanceConfig{})
	var ie *lucet.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("instantiate: %v, want an ImportError", err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\n") || !strings.Contains(msg, `instantiate m\x1b[2J\nFAKE:`) ||
		!strings.Contains(msg, `missing import m\x1b[2J\nFAKE.m\x1b[2J\nFAKE: func`) {
		t.Errorf("error %q: want the names escaped", msg)
	}
}
