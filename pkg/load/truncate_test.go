package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A regular file is mapped and read through the mapping; one cut short
// after its fstat (a build rewriting hello.wasm in place as lucet-run
// starts on it, a cp over an object) made the read a SIGBUS in Go code,
// which the runtime turns into a fatal error ("unexpected fault
// address"): the process died with a stack dump instead of an error. Each
// case cuts the file between the fstat and the load, to the length
// given: what the mapping holds past it faults.
func TestFileTruncatedWhileLoading(t *testing.T) {
	so := smallELF(t)
	pg := os.Getpagesize()
	for _, c := range []struct {
		name       string
		contents   []byte
		cut        int
		orContents bool
	}{
		{"object cut to nothing", so, 0, false},
		{"object cut after its first page", so, pg, false},
		{"object cut to nothing, FileOrContents", so, 0, true},
		{".wasm cut to nothing, FileOrContents", append([]byte("\x00asm\x01\x00\x00\x00"), make([]byte, 3*pg)...), 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.cut >= len(c.contents) {
				t.Fatalf("cut %d of a %d-byte file", c.cut, len(c.contents))
			}
			path := filepath.Join(t.TempDir(), "m")
			if err := os.WriteFile(path, c.contents, 0o644); err != nil {
				t.Fatal(err)
			}
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(fd)
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, int64(c.cut)); err != nil {
				t.Fatal(err)
			}
			m, b, err := fromFD(fd, st.Size, true, c.orContents, newOptions(nil))
			if err == nil {
				if m != nil {
					m.Close()
				}
				t.Fatalf("loaded a file cut short while loading (contents %d bytes)", len(b))
			}
			if msg := err.Error(); !strings.Contains(msg, "changed while") || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line saying the file changed while it was read", msg)
			}
		})
	}
}
