package compile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/link"
)

func TestWasmErrorsNameTheStage(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"not wasm", []byte("hello"), "decode: "},
		{"empty", nil, "decode: the file is empty, not a .wasm module"},
		{"object", []byte("\x7fELF\x02\x01\x01"), "decode: an ELF file (an object lucetc already compiled?), not a .wasm module"},
		{"text", []byte("  (module)"), "this is the WebAssembly text format"},
		{"invalid", []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x05\x01\x03\x00\x6a\x0b"), "validate: "},
	}
	for _, tt := range tests {
		if _, err := Wasm(tt.in, codegen.Options{}); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want prefix %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadEitherForm(t *testing.T) {
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Wasm(b, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	elf, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		in    []byte
		cache *Cache
	}{
		{"wasm in memory", b, nil},
		{"wasm through cache", b, &Cache{Dir: t.TempDir()}},
		{"compiled object", elf, nil},
	} {
		m, err := Load(tt.in, codegen.Options{}, tt.cache)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(m.Meta.Funcs) != len(o.Meta.Funcs) {
			t.Errorf("%s: %d functions, want %d", tt.name, len(m.Meta.Funcs), len(o.Meta.Funcs))
		}
		m.Close()
	}
	if _, err := Load([]byte("\x7fELF junk"), codegen.Options{}, nil); err == nil {
		t.Error("junk loaded")
	}
}

// LoadFile loads each form from a file; a .wasm goes through the cache,
// whose entry is then mapped by the next load, and a corrupt entry is
// compiled again and replaced.
func TestLoadFile(t *testing.T) {
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wasmPath := filepath.Join(dir, "hello.wasm")
	soPath := filepath.Join(dir, "hello.so")
	o, err := Wasm(b, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	elf, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	if os.WriteFile(wasmPath, b, 0o644) != nil || os.WriteFile(soPath, elf, 0o644) != nil {
		t.Fatal("writing inputs")
	}
	c := &Cache{Dir: filepath.Join(dir, "cache")}
	entry := c.path(Key(b, codegen.Options{}), ".so")
	check := func(name, path string, c *Cache) {
		t.Helper()
		m, err := LoadFile(path, codegen.Options{}, c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer m.Close()
		if len(m.Meta.Funcs) != len(o.Meta.Funcs) || !bytes.Equal(m.Code, o.Text) {
			t.Errorf("%s: a different module (%d functions)", name, len(m.Meta.Funcs))
		}
	}
	check("compiled object", soPath, nil)
	check("wasm in memory", wasmPath, nil)
	if _, err := os.Stat(c.Dir); err == nil {
		t.Error("a nil cache wrote a cache directory")
	}
	check("wasm, cache miss", wasmPath, c)
	if got, err := os.ReadFile(entry); err != nil || !bytes.Equal(got, elf) {
		t.Fatalf("cache entry not written (%v)", err)
	}
	check("wasm, cache hit", wasmPath, c)
	if err := os.WriteFile(entry, []byte("\x7fELF corrupt"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("wasm, corrupt cache entry", wasmPath, c)
	if got, _ := os.ReadFile(entry); !bytes.Equal(got, elf) {
		t.Error("corrupt cache entry not replaced")
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.so"), codegen.Options{}, c); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// Bytes of neither form are refused as such, not as "not an ELF file":
// an empty or mistyped .wasm is the usual case, and its user never meant
// to give an object.
func TestLoadNeitherForm(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "not a WebAssembly module or a lucet object: the file is empty"},
		{"junk", []byte("garbage\n"), "not a WebAssembly module or a lucet object (starts with 67 61 72 62)"},
		{"short", []byte{0, 'a'}, "not a WebAssembly module or a lucet object (starts with 00 61)"},
		{"text", []byte("(module)"), ErrTextFormat.Error()},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.in, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(tt.in, codegen.Options{}, nil)
		_, ferr := LoadFile(path, codegen.Options{}, nil)
		for _, e := range []error{err, ferr} {
			if e == nil || e.Error() != tt.want {
				t.Errorf("%s: err = %v, want %q", tt.name, e, tt.want)
			}
		}
		if tt.name != "text" && !errors.Is(err, ErrNotModule) {
			t.Errorf("%s: %v is not ErrNotModule", tt.name, err)
		}
	}
}
