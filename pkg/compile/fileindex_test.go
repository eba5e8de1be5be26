package compile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/load"
)

// idOf is the FileID load takes of the file at path, now.
func idOf(t *testing.T, path string) load.FileID {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return load.FileID{Dev: st.Dev, Ino: st.Ino, Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), At: time.Now()}
}

func sidFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.sid"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A .wasm file the cache has served, left alone since, is served again
// from the cache's record of it, by its FileID alone; a FileID that
// differs in anything a change of the file changes finds nothing.
func TestFileRecordServesUnchangedFile(t *testing.T) {
	// The repository's copy: checked out well over load.Settle ago.
	p, err := filepath.Abs("../../testdata/small/if.0.wasm")
	if err != nil {
		t.Fatal(err)
	}
	id := idOf(t, p)
	if !id.Settled() {
		t.Skipf("%s changed less than %v ago", p, load.Settle)
	}
	c, w := newCache(t, filepath.Join(t.TempDir(), "cache"))
	for i, want := range []int{0, 1, 1} { // compiled, then a hit by content that records the file, then by record
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		if got := len(sidFiles(t, c.Dir)); got != want {
			t.Fatalf("after load %d: %d records of files, want %d", i+1, got, want)
		}
	}
	m, ok := c.lookupID(id, Options{})
	if !ok {
		t.Fatal("the file's record did not serve it")
	}
	m.Close()
	for name, changed := range map[string]func(*load.FileID){
		"content changed (change time)": func(id *load.FileID) { id.Ctime++ },
		"modification time":             func(id *load.FileID) { id.Mtime-- },
		"size":                          func(id *load.FileID) { id.Size++ },
		"another file (inode)":          func(id *load.FileID) { id.Ino++ },
	} {
		other := id
		changed(&other)
		if m, ok := c.lookupID(other, Options{}); ok {
			m.Close()
			t.Errorf("%s: served from the record of the file as it was", name)
		}
	}
	if _, ok := c.lookupID(id, Options{Fuel: true}); ok {
		t.Error("the record served the file compiled with other options")
	}
	if s, err := c.Stats(); err != nil || s.Entries != 1 {
		t.Errorf("Stats %+v, %v: want the one module (a record of a file is not one)", s, err)
	}
	if s, err := c.Clean(); err != nil || len(sidFiles(t, c.Dir)) != 0 {
		t.Errorf("Clean %+v, %v left records of files", s, err)
	}
	if w.String() != "" {
		t.Errorf("warnings: %s", w)
	}
}

// A file changed less than load.Settle before it was read gets no record:
// a change in the same clock tick could leave its FileID as it was. It
// is read, and served by its content, every time.
func TestFileRecordNeedsSettledFile(t *testing.T) {
	dir := t.TempDir()
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	p := writeFile(t, dir, "if.0.wasm", readWasm(t, "small/if.0.wasm"))
	for range 2 {
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	if got := sidFiles(t, c.Dir); len(got) != 0 {
		t.Errorf("records of a file written just now: %v", got)
	}
	// Setting the times back does not settle it: the change time is the
	// present whatever utimensat sets.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if id := idOf(t, p); id.Settled() {
		t.Errorf("a file whose times were just set back counts as settled: %+v", id)
	}
}

// A record of a file is read as written, exactly; anything else is not
// trusted (and the file is read instead).
func TestParseFileRecord(t *testing.T) {
	var want [32]byte
	for i := range want {
		want[i] = byte(i * 9)
	}
	good := string(marshalFileRecord(want))
	if got, ok := parseFileRecord(strings.NewReader(good)); !ok || got != want {
		t.Fatalf("round trip: %v, %x", ok, got)
	}
	for _, bad := range []string{
		"",
		good[:len(good)-1],
		good + "\n",
		strings.ToUpper(good),
		strings.Replace(good, fileRecordMagic, "lucet cache file 0", 1),
		strings.Replace(good, good[len(good)-3:len(good)-1], "0g", 1),
		strings.Replace(good, "source", "object", 1),
		strings.Replace(good, "\n", "\r\n", -1),
	} {
		if got, ok := parseFileRecord(strings.NewReader(bad)); ok {
			t.Errorf("parseFileRecord(%q) = %x, accepted", bad, got)
		}
	}
}

// A file the cache has a record of, then rewritten in place (same inode,
// same size, its modification time set back to what it was) and left
// alone again, is served its new content: the change time moved, and
// with it the FileID.
func TestFileRecordFollowsRewrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, _ := newCache(t, filepath.Join(dir, "cache"))
	// Two modules of one size: the FileID tells them apart only by the
	// change time.
	a, b := readWasm(t, "small/if.0.wasm"), readWasm(t, "small/global.0.wasm")
	b = padTo(t, b, len(a))
	p := writeFile(t, dir, "m.wasm", a)
	time.Sleep(load.Settle + 100*time.Millisecond)
	load1 := func() *load.Module {
		t.Helper()
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		return m
	}
	load1()
	load1() // records the file
	if len(sidFiles(t, c.Dir)) != 1 {
		t.Fatal("no record of the settled file")
	}
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(p, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	// Settled again, so that only the FileID, not the file's recent
	// change, keeps the record from serving it.
	time.Sleep(load.Settle + 100*time.Millisecond)
	elf, err := ELF(b, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := load.Bytes(elf)
	if err != nil {
		t.Fatal(err)
	}
	want.Close()
	if got := load1(); got.Checksum != want.Checksum {
		t.Error("the rewritten file was served the module it held before")
	}
}

// padTo appends a custom section to the module b so that it is n bytes
// long (n-len(b) between 131 and 16386: a two-byte section size).
func padTo(t *testing.T, b []byte, n int) []byte {
	t.Helper()
	body := n - len(b) - 3 // the section's id and two-byte size
	if body < 128 || body >= 1<<14 {
		t.Fatalf("cannot pad %d bytes to %d", len(b), n)
	}
	pad := append([]byte{0, byte(body&0x7f | 0x80), byte(body >> 7), 3}, "pad"...)
	pad = append(pad, make([]byte, body-4)...)
	out := append(append([]byte{}, b...), pad...)
	if len(out) != n {
		t.Fatalf("padded to %d bytes, want %d", len(out), n)
	}
	return out
}
