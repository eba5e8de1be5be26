// Package compile runs the front half of the pipeline in one call: the bytes
// of a .wasm module in, a compiled object out (decode, validate, codegen) —
// and keeps compiled objects in a content-addressed on-disk cache, so that a
// second run of the same module skips compilation (like wasmtime's cache).
//
// In: module bytes and codegen options. Out: an *object.Object, or the ELF
// bytes of one from the cache.
package compile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lucet-go/lucet/internal/version"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// Wasm decodes, validates and compiles a module. Errors name the stage.
func Wasm(b []byte, opts codegen.Options) (*object.Object, error) {
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	o, err := codegen.Compile(m, opts)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return o, nil
}

// Cache is a directory of compiled objects named by the hash of what went
// into them: the compiler's identity, the options and the module bytes.
type Cache struct {
	Dir string
}

// DefaultCache is $LUCET_CACHE_DIR, else $XDG_CACHE_HOME/lucet, else
// ~/.cache/lucet.
func DefaultCache() (*Cache, error) {
	if d := os.Getenv("LUCET_CACHE_DIR"); d != "" {
		return &Cache{Dir: d}, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{Dir: filepath.Join(d, "lucet")}, nil
}

// Key names the object compiled from b with opts by this compiler.
func Key(b []byte, opts codegen.Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "lucet %s\n%d %d %d %d %d %t\n", version.CompilerID(), opts.OptLevel, opts.Bounds, opts.MemReserve, opts.MemGuard, opts.Features, opts.Fuel)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the cached ELF object for key, if any.
func (c *Cache) Get(key string) ([]byte, bool) {
	b, err := os.ReadFile(c.path(key))
	return b, err == nil
}

// Put stores an ELF object under key, atomically: a reader sees the whole
// object or none.
func (c *Cache) Put(key string, elf []byte) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, werr := f.Write(elf)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), c.path(key))
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", werr)
	}
	return nil
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key+".so") }

// WasmCached compiles b to ELF bytes through the cache: a hit skips
// compilation; a miss compiles, links and stores. Cache write failures are
// not errors (the object is still returned).
func WasmCached(c *Cache, b []byte, opts codegen.Options) (elf []byte, hit bool, err error) {
	key := Key(b, opts)
	if elf, ok := c.Get(key); ok {
		return elf, true, nil
	}
	elf, err = c.compile(key, b, opts)
	return elf, false, err
}

// compile compiles and links b and stores the object under key. A failure
// to store is not an error: a read-only cache only costs the next run a
// compile.
func (c *Cache) compile(key string, b []byte, opts codegen.Options) ([]byte, error) {
	o, err := Wasm(b, opts)
	if err != nil {
		return nil, err
	}
	elf, err := link.ELF(o)
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	_ = c.Put(key, elf)
	return elf, nil
}

// IsWasm reports whether b starts with the WebAssembly magic number.
func IsWasm(b []byte) bool { return len(b) >= 4 && string(b[:4]) == "\x00asm" }

// Load turns module bytes into a loaded module, whichever form they are in:
// a compiled object is loaded as it is; a .wasm module is compiled first,
// through c when c is not nil.
func Load(b []byte, opts codegen.Options, c *Cache) (*load.Module, error) {
	if !IsWasm(b) {
		return load.Bytes(b)
	}
	if c != nil {
		elf, _, err := WasmCached(c, b, opts)
		if err != nil {
			return nil, err
		}
		return load.Bytes(elf)
	}
	o, err := Wasm(b, opts)
	if err != nil {
		return nil, err
	}
	return load.FromObject(o)
}

// LoadFile is Load for a module in a file. A compiled object — the file
// itself, or a .wasm module's cached compilation — is mapped from its file
// by load.File rather than read and copied, so a warm start touches only
// what it runs. A cache entry that does not load (corrupt, or from an
// incompatible build) is compiled again and replaced.
func LoadFile(path string, opts codegen.Options, c *Cache) (*load.Module, error) {
	f, err := load.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && !IsWasm(magic[:n]) {
		return load.FromFile(f) // maps the file from its start
	}
	rest, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	b := append(magic[:n:n], rest...)
	if !IsWasm(b) || c == nil {
		return Load(b, opts, c)
	}
	key := Key(b, opts)
	if m, err := load.File(c.path(key)); err == nil {
		return m, nil
	}
	elf, err := c.compile(key, b, opts)
	if err != nil {
		return nil, err
	}
	return load.Bytes(elf)
}
