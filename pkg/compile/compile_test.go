package compile

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"lucet/pkg/codegen"
	"lucet/pkg/link"
	"lucet/pkg/load"
)

func TestWasmErrorsNameTheStage(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"not wasm", []byte("hello"), "decode: "},
		{"invalid", []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x05\x01\x03\x00\x6a\x0b"), "validate: "},
	}
	for _, tt := range tests {
		if _, err := Wasm(tt.in, codegen.Options{}); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want prefix %q", tt.name, err, tt.want)
		}
	}
}

func TestCacheHitSkipsCompile(t *testing.T) {
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cache{Dir: t.TempDir()}
	first, hit, err := WasmCached(c, b, codegen.Options{})
	if err != nil || hit {
		t.Fatalf("first: hit=%v err=%v, want a miss", hit, err)
	}
	second, hit, err := WasmCached(c, b, codegen.Options{})
	if err != nil || !hit {
		t.Fatalf("second: hit=%v err=%v, want a hit", hit, err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("cached object differs from the compiled one")
	}
	m, err := load.Bytes(second)
	if err != nil {
		t.Fatalf("cached object does not load: %v", err)
	}
	m.Close()
	// Other options, other key.
	if Key(b, codegen.Options{}) == Key(b, codegen.Options{OptLevel: 2}) {
		t.Error("options do not change the key")
	}
	if Key(b, codegen.Options{}) == Key(b, codegen.Options{Fuel: true}) {
		t.Error("fuel instrumentation does not change the key")
	}
	if Key(b, codegen.Options{}) == Key(append(b[:len(b):len(b)], 0), codegen.Options{}) {
		t.Error("module bytes do not change the key")
	}
	// No temp files left behind.
	ents, _ := os.ReadDir(c.Dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("left %s behind", e.Name())
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
