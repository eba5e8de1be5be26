package compile

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
)

func readWasm(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// warnings collects a cache's warnings.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }
func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.msgs, "\n")
}

func newCache(t *testing.T, dir string) (*Cache, *warnings) {
	w := &warnings{}
	return &Cache{Dir: dir, Warn: w.add}, w
}

func TestKeyCoversWhatChangesCode(t *testing.T) {
	b := readWasm(t, "hello.wasm")
	base := Key(b, Options{})
	for name, o := range map[string]Options{
		"opt level": {OptLevel: 2}, "fuel": {Fuel: true}, "bounds": {Bounds: 1},
		"reserve": {MemReserve: 1 << 20}, "guard": {MemGuard: 1 << 20}, "features": {Features: 3},
	} {
		if Key(b, o) == base {
			t.Errorf("%s does not change the key", name)
		}
	}
	if Key(b, Options{Parallel: 7}) != base {
		t.Error("the number of compile threads changes the key")
	}
	if Key(append(b[:len(b):len(b)], 0), Options{}) == base {
		t.Error("the module's bytes do not change the key")
	}
}

// Every field of Options but Parallel changes the key, each alone: an
// option added to Options and left out of the key fails here. And the
// key's bytes are the same from run to run (a fixed encoding, not one
// that depends on the process).
func TestKeyCoversEveryOption(t *testing.T) {
	b := readWasm(t, "hello.wasm")
	base := Key(b, Options{})
	if again := Key(b, Options{}); again != base {
		t.Fatalf("the same inputs gave keys %s and %s", base, again)
	}
	seen := map[string]string{base: "zero options"}
	typ := reflect.TypeFor[Options]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		var o Options
		v := reflect.ValueOf(&o).Elem().Field(i)
		switch v.Kind() {
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(1)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(1)
		case reflect.String:
			v.SetString("x")
		default:
			t.Fatalf("Options.%s: a %s, which this test cannot set; give it a value and the key an encoding of it", f.Name, v.Kind())
		}
		k := Key(b, o)
		if f.Name == "Parallel" {
			if k != base {
				t.Error("the number of compile threads changes the key")
			}
			continue
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("Options.%s set gives the key of %s", f.Name, prev)
		}
		seen[k] = f.Name
	}
}

// A forged entry — another module's object planted under hello's key,
// with or without its record — is never loaded: hello is recompiled and
// the entry replaced.
func TestForgedEntryIsNotRun(t *testing.T) {
	dir := t.TempDir()
	hello := readWasm(t, "hello.wasm")
	other := readWasm(t, "small/global.0.wasm")
	helloPath := writeFile(t, dir, "hello.wasm", hello)
	otherPath := writeFile(t, dir, "other.wasm", other)
	opts := codegen.Default()
	for _, forge := range [][]string{{".so"}, {".so", ".src"}} {
		c, w := newCache(t, filepath.Join(dir, "cache"))
		for _, p := range []string{helloPath, otherPath} {
			m, err := LoadFile(p, opts, c)
			if err != nil {
				t.Fatal(err)
			}
			m.Close()
		}
		hk, ok := Key(hello, opts), Key(other, opts)
		for _, ext := range forge {
			b, err := os.ReadFile(c.path(ok, ext))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path(hk, ext), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		m, err := LoadFile(helloPath, opts, c)
		if err != nil {
			t.Fatalf("forged %v: %v", forge, err)
		}
		if !hasExport(m, "_start") {
			t.Errorf("forged %v: loaded a module without hello's _start", forge)
		}
		m.Close()
		if !strings.Contains(w.String(), "recompiling") {
			t.Errorf("forged %v: no warning (got %q)", forge, w)
		}
		// The entry was replaced: the next load is a quiet hit.
		c2, w2 := newCache(t, c.Dir)
		m, err = LoadFile(helloPath, opts, c2)
		if err != nil || !hasExport(m, "_start") || w2.String() != "" {
			t.Errorf("forged %v: entry not replaced (err %v, warnings %q)", forge, err, w2)
		}
		m.Close()
		os.RemoveAll(c.Dir)
	}
}

// Two entries of one module compiled with different options (here fuel
// instrumentation, which a fuel-metered run needs), their files swapped:
// each record names the module and its own object, but not the options
// the key stands for. Each load recompiles (with a warning) and gets code
// of its own options, and the entries are replaced. (The swapped entry
// used to load: the run with fuel got code without it, and failed to
// instantiate.)
func TestSwappedOptionsEntries(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "hello.wasm", readWasm(t, "hello.wasm"))
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	plain, fuel := codegen.Default(), codegen.Default()
	fuel.Fuel = true
	for _, o := range []Options{plain, fuel} {
		m, err := LoadFile(p, o, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	hello := readWasm(t, "hello.wasm")
	kp, kf := Key(hello, plain), Key(hello, fuel)
	for _, ext := range []string{".so", ".src"} {
		a, b := c.path(kp, ext), c.path(kf, ext)
		tmp := a + ".swap"
		if err := errors.Join(os.Rename(a, tmp), os.Rename(b, a), os.Rename(tmp, b)); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []Options{fuel, plain} {
		c, w := newCache(t, c.Dir)
		m, err := LoadFile(p, o, c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Meta.Fuel != o.Fuel {
			t.Errorf("asked for fuel %v, loaded code with fuel %v", o.Fuel, m.Meta.Fuel)
		}
		m.Close()
		if !strings.Contains(w.String(), "other options; recompiling") {
			t.Errorf("fuel %v: warnings %q, want one of other options", o.Fuel, w)
		}
		c, w = newCache(t, c.Dir)
		m, err = LoadFile(p, o, c)
		if err != nil || m.Meta.Fuel != o.Fuel || w.String() != "" {
			t.Errorf("fuel %v: entry not replaced (err %v, warnings %q)", o.Fuel, err, w)
		}
		if err == nil {
			m.Close()
		}
	}
}

// Entries and directories that others could have written are ignored.
func TestUntrustedIgnored(t *testing.T) {
	dir := t.TempDir()
	hello := readWasm(t, "hello.wasm")
	p := writeFile(t, dir, "hello.wasm", hello)
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	m, err := LoadFile(p, Options{}, c)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if st, err := os.Stat(c.Dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory mode %v (%v), want 0700", st.Mode().Perm(), err)
	}
	entry := c.path(Key(hello, Options{}), ".so")
	os.Chmod(entry, 0o666)
	c2, w := newCache(t, c.Dir)
	m, err = LoadFile(p, Options{}, c2)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !strings.Contains(w.String(), "writable by group or others") {
		t.Errorf("group-writable entry: warnings %q", w)
	}
	os.Chmod(c.Dir, 0o777)
	defer os.Chmod(c.Dir, 0o700)
	c3, w := newCache(t, c.Dir)
	m, err = LoadFile(p, Options{}, c3)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !strings.Contains(w.String(), "cache directory") || !strings.Contains(w.String(), "without the cache") {
		t.Errorf("world-writable directory: warnings %q", w)
	}
	// Another user's file (ownership cannot be changed without root, so
	// the check is shown on a stat result).
	st, _ := os.Stat(entry)
	other := *st.Sys().(*syscall.Stat_t)
	other.Uid = uint32(os.Getuid() + 1)
	if why := untrusted(&other); !strings.Contains(why, "not by this user") {
		t.Errorf("another user's entry: %q", why)
	}
}

// A FIFO (or a directory) in place of an entry's record or object is
// refused without blocking: opening a FIFO for reading waits for a writer,
// so a planted one hung every run of the module before the fix.
func TestSpecialFileEntriesIgnored(t *testing.T) {
	dir := t.TempDir()
	hello := readWasm(t, "hello.wasm")
	p := writeFile(t, dir, "hello.wasm", hello)
	for _, ext := range []string{".so", ".src"} {
		for _, kind := range []string{"fifo", "dir"} {
			t.Run(kind+ext, func(t *testing.T) {
				c, _ := newCache(t, filepath.Join(dir, "cache-"+kind+ext))
				m, err := LoadFile(p, Options{}, c)
				if err != nil {
					t.Fatal(err)
				}
				m.Close()
				entry := c.path(Key(hello, Options{}), ext)
				if err := os.Remove(entry); err != nil {
					t.Fatal(err)
				}
				if kind == "fifo" {
					err = syscall.Mkfifo(entry, 0o600)
				} else {
					err = os.Mkdir(entry, 0o700)
				}
				if err != nil {
					t.Fatal(err)
				}
				c2, w := newCache(t, c.Dir)
				done := make(chan error, 1)
				go func() {
					m, err := LoadFile(p, Options{}, c2)
					if err == nil {
						m.Close()
					}
					done <- err
				}()
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(20 * time.Second):
					// Unblock the open so the test can end.
					if f, err := os.OpenFile(entry, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close()
					}
					t.Fatalf("load through a cache holding a %s as %s hangs", kind, ext)
				}
				if kind == "fifo" && !strings.Contains(w.String(), "not a regular file") {
					t.Errorf("warnings %q, want the entry named as not a regular file", w)
				}
			})
		}
	}
}

// Only the cache's own files are evicted or cleaned: a LUCET_CACHE_DIR
// pointed at a directory that holds other .so and .src files (a build
// directory) keeps them. Before, eviction and Clean removed every *.so and
// *.src in the directory.
func TestForeignFilesKept(t *testing.T) {
	dir := t.TempDir()
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	c.MaxBytes = 1 // every new entry evicts all the others
	foreign := []string{"libfoo.so", "notes.src", "x.so", strings.Repeat("A", 64) + ".so", strings.Repeat("a", 63) + ".src", strings.Repeat("a", 64) + ".so.1"}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range foreign {
		writeFile(t, c.Dir, n, []byte("mine"))
	}
	for _, name := range []string{"small/if.0.wasm", "hello.wasm"} {
		m, err := LoadFile(writeFile(t, dir, filepath.Base(name), readWasm(t, name)), Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	if s, err := c.Stats(); err != nil || s.Entries != 1 {
		t.Errorf("stats %+v, %v; want the one entry just written", s, err)
	}
	if gone, err := c.Clean(); err != nil || gone.Entries != 1 {
		t.Errorf("Clean: %+v, %v", gone, err)
	}
	for _, n := range foreign {
		if _, err := os.Stat(filepath.Join(c.Dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func hasExport(m *load.Module, name string) bool {
	for _, e := range m.Meta.Exports {
		if e.Name == name {
			return true
		}
	}
	return false
}

// Past MaxBytes the least recently used entries go; Stats and Clean see
// and empty the cache.
func TestEvictionStatsClean(t *testing.T) {
	dir := t.TempDir()
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	var paths []string
	for _, n := range []string{"global.0.wasm", "if.0.wasm", "data.0.wasm"} {
		paths = append(paths, writeFile(t, dir, n, readWasm(t, "small/"+n)))
	}
	load := func(p string) {
		t.Helper()
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	load(paths[0])
	load(paths[1])
	s, err := c.Stats()
	if err != nil || s.Entries != 2 {
		t.Fatalf("stats %+v, %v; want 2 entries", s, err)
	}
	// Make entry 0 the most recently used, then bound the cache to about
	// two entries: adding a third evicts entry 1.
	old := time.Now().Add(-time.Minute)
	for _, e := range []string{".so", ".src"} {
		os.Chtimes(c.path(Key(readWasm(t, "small/if.0.wasm"), Options{}), e), old, old)
	}
	load(paths[0])
	c.MaxBytes = s.Bytes + s.Bytes/4
	load(paths[2])
	s, _ = c.Stats()
	if s.Entries != 2 || s.Bytes > c.MaxBytes {
		t.Errorf("after eviction: %+v, want 2 entries within %d bytes", s, c.MaxBytes)
	}
	if _, err := os.Stat(c.path(Key(readWasm(t, "small/if.0.wasm"), Options{}), ".so")); err == nil {
		t.Error("the least recently used entry was kept")
	}
	gone, err := c.Clean()
	if err != nil || gone.Entries != 2 {
		t.Errorf("Clean: %+v, %v", gone, err)
	}
	if s, _ := c.Stats(); s.Entries != 0 || s.Bytes != 0 {
		t.Errorf("after Clean: %+v", s)
	}
}

// A hit writes the entry's last-used time only once it is staler than
// usedResolution: a fresher record is left as it is (no write per run),
// an older one is brought up to now, so eviction still sees the entry as
// recently used.
func TestHitRefreshesStaleUse(t *testing.T) {
	dir := t.TempDir()
	c, w := newCache(t, filepath.Join(dir, "cache"))
	p := writeFile(t, dir, "if.0.wasm", readWasm(t, "small/if.0.wasm"))
	src := c.path(Key(readWasm(t, "small/if.0.wasm"), Options{}), ".src")
	load := func() {
		t.Helper()
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	load() // compiles and writes the entry
	hit := func(used time.Time) time.Time {
		t.Helper()
		if err := os.Chtimes(src, used, used); err != nil {
			t.Fatal(err)
		}
		load()
		st, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		return st.ModTime()
	}
	fresh := time.Now().Add(-usedResolution / 2).Truncate(time.Second)
	if got := hit(fresh); !got.Equal(fresh) {
		t.Errorf("a hit on an entry used %v ago rewrote its time: %v, want %v", usedResolution/2, got, fresh)
	}
	before := time.Now()
	if got := hit(before.Add(-2 * usedResolution)); got.Before(before.Add(-time.Second)) {
		t.Errorf("a hit on an entry used %v ago left its time at %v, want about %v", 2*usedResolution, got, before)
	}
	if w.String() != "" {
		t.Errorf("warnings: %s", w)
	}
}

// Writers racing on one entry leave a whole entry and no temporary files.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "hello.wasm", readWasm(t, "hello.wasm"))
	cdir := filepath.Join(dir, "cache")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := newCache(t, cdir)
			m, err := LoadFile(p, Options{}, c)
			if err == nil {
				m.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	des, _ := os.ReadDir(cdir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("left %s behind", de.Name())
		}
	}
	c, w := newCache(t, cdir)
	m, err := LoadFile(p, Options{}, c)
	if err != nil || w.String() != "" {
		t.Fatalf("entry after the race: %v, warnings %q", err, w)
	}
	m.Close()
}

func TestUnwritableCacheDir(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root writes to read-only directories")
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "hello.wasm", readWasm(t, "hello.wasm"))
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	defer os.Chmod(ro, 0o700)
	c, w := newCache(t, ro)
	m, err := LoadFile(p, Options{}, c)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !strings.Contains(w.String(), "cannot be written") {
		t.Errorf("warnings %q", w)
	}
	if strings.Count(w.String(), "\n") != 0 {
		t.Errorf("more than one line: %q", w)
	}
}

func TestDefaultCacheLocation(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", "")
	t.Setenv("LUCET_CACHE_MAX", "")
	t.Setenv("XDG_CACHE_HOME", "/x/cache")
	if c, err := DefaultCache(); err != nil || c.Dir != "/x/cache/lucet" || c.maxBytes() != DefaultMaxBytes {
		t.Errorf("XDG: %+v, %v", c, err)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if c, err := DefaultCache(); err != nil || c.Dir != "/home/u/.cache/lucet" {
		t.Errorf("HOME: %+v, %v", c, err)
	}
	t.Setenv("LUCET_CACHE_DIR", "/elsewhere")
	t.Setenv("LUCET_CACHE_MAX", "100MiB")
	if c, err := DefaultCache(); err != nil || c.Dir != "/elsewhere" || c.MaxBytes != 100<<20 {
		t.Errorf("LUCET_CACHE_DIR: %+v, %v", c, err)
	}
	t.Setenv("LUCET_CACHE_MAX", "lots")
	if _, err := DefaultCache(); err == nil {
		t.Error("LUCET_CACHE_MAX=lots accepted")
	}
}

// Lookup finds what Load cached, and only that: it never compiles.
func TestLookup(t *testing.T) {
	hello := readWasm(t, "hello.wasm")
	opts := codegen.Default()
	c, w := newCache(t, filepath.Join(t.TempDir(), "cache"))
	if m, ok := c.Lookup(hello, opts); ok || m != nil {
		t.Fatalf("Lookup on an empty cache = %v, %v; want a miss", m, ok)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Fatalf("Lookup wrote %d entries; it must not compile", len(entries))
	}
	stored, err := Load(hello, opts, c)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	m, ok := c.Lookup(hello, opts)
	if !ok || !hasExport(m, "_start") || m.Checksum != stored.Checksum {
		t.Fatalf("Lookup after Load = %v, %v; want the stored object", m, ok)
	}
	m.Close()
	fuel := opts
	fuel.Fuel = true
	if _, ok := c.Lookup(hello, fuel); ok {
		t.Error("Lookup with other options hit the entry compiled without them")
	}
	elf, err := ELF(hello, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{elf, []byte("(module)"), nil} {
		if _, ok := c.Lookup(b, opts); ok {
			t.Errorf("Lookup of %d bytes that are not a .wasm module hit", len(b))
		}
	}
	if w.String() != "" {
		t.Errorf("warnings: %q", w)
	}
	// After a miss, Compile stores the entry without a second look: an
	// entry Lookup would not trust (another module's record) is warned
	// about once, then replaced.
	other := readWasm(t, "small/global.0.wasm")
	om, err := Load(other, opts, c)
	if err != nil {
		t.Fatal(err)
	}
	om.Close()
	rec, err := os.ReadFile(c.path(Key(other, opts), ".src"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.path(Key(hello, opts), ".src"), rec, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup(hello, opts); ok {
		t.Fatal("Lookup hit an entry whose record names another module")
	}
	m, err = c.Compile(hello, opts)
	if err != nil || !hasExport(m, "_start") {
		t.Fatalf("Compile after the miss: %v", err)
	}
	m.Close()
	if n := strings.Count(w.String(), "recompiling"); n != 1 {
		t.Errorf("%d warnings about the entry, want 1: %q", n, w)
	}
	if m, ok := c.Lookup(hello, opts); !ok || m.Checksum != stored.Checksum {
		t.Error("Lookup after Compile missed the entry Compile stored")
	} else {
		m.Close()
	}
	// Bytes that are not a .wasm module are Load's to refuse or load.
	if _, err := c.Compile([]byte("(module)"), opts); err != ErrTextFormat {
		t.Errorf("Compile of the text format: %v, want ErrTextFormat", err)
	}
}

// parseRecord reads back what marshal writes and nothing else: a record
// cut short, extended, with uppercase or non-hex digits, another magic,
// or lines out of order is not one (the entry is then recompiled).
func TestParseRecord(t *testing.T) {
	var want record
	for i := range want.source {
		want.source[i] = byte(i)
		want.object[i] = byte(255 - i)
		want.key[i] = byte(i * 7)
	}
	good := string(want.marshal())
	if got, ok := parseRecord(strings.NewReader(good)); !ok || got != want {
		t.Fatalf("round trip: %v, %+v", ok, got)
	}
	srcHex, objHex, keyHex := hex.EncodeToString(want.source[:]), hex.EncodeToString(want.object[:]), hex.EncodeToString(want.key[:])
	for _, bad := range []string{
		"",
		good[:len(good)-1],
		good + "\n",
		good + "x",
		strings.ToUpper(good),
		strings.Replace(good, srcHex[:2], "0g", 1),
		strings.Replace(good, recordMagic, "lucet cache entry 1", 1),
		"lucet cache entry 1\nsource " + srcHex + "\nobject " + objHex + "\n",
		recordMagic + "\nobject " + objHex + "\nsource " + srcHex + "\nkey " + keyHex + "\n",
		recordMagic + "\nsource " + srcHex + "\nobject " + objHex + "\n",
		strings.Replace(good, "\n", "\r\n", -1),
		strings.Replace(good, "source ", "source  ", 1)[:len(good)],
	} {
		if got, ok := parseRecord(strings.NewReader(bad)); ok {
			t.Errorf("parseRecord(%q) = %+v, accepted", bad, got)
		}
	}
}
