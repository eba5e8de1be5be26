package load

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lucet-go/lucet/internal/sniff"
)

// TestFileOrContentsLargeFiles: a large file is looked at before it is
// read. lucet-run, lucet-bench and lucetc given a 4 GiB sparse file of
// zeros read all of it into memory (20 s and 4-7 GiB of RSS) before the
// decoder refused it; a .wasm past the decoder's 1 GiB limit was read
// whole too. Both are now refused after the first bytes (sparse files:
// the test costs no disk).
func TestFileOrContentsLargeFiles(t *testing.T) {
	dir := t.TempDir()
	sparse := func(name string, head []byte, size int64) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, head, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, size); err != nil {
			t.Skipf("no sparse files here: %v", err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		path string
		want func(error) bool
	}{
		// Past MaxInt32, read rather than mapped.
		{"zeros, 3 GiB", sparse("zeros3g", nil, 3<<30), func(err error) bool { return errors.Is(err, sniff.ErrNotModule) }},
		// Mapped, then read as a .wasm would be.
		{"zeros, 1 GiB", sparse("zeros1g", nil, 1<<30), func(err error) bool { return errors.Is(err, sniff.ErrNotModule) }},
		{"wasm magic then zeros, 3 GiB", sparse("wasm3g", []byte("\x00asm\x01\x00\x00\x00"), 3<<30), func(err error) bool {
			var tl *sniff.TooLargeError
			return errors.As(err, &tl) && tl.Limit == sniff.WasmMax
		}},
		{"wasm magic then zeros, 1 GiB + 1", sparse("wasm1g", []byte("\x00asm\x01\x00\x00\x00"), sniff.WasmMax+1), func(err error) bool {
			var tl *sniff.TooLargeError
			return errors.As(err, &tl) && tl.Limit == sniff.WasmMax
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, b, err := FileOrContents(c.path)
			if m != nil {
				m.Close()
			}
			if !c.want(err) || b != nil {
				t.Errorf("FileOrContents: %d bytes, error %v; want it refused after its first bytes", len(b), err)
			}
		})
	}
}
