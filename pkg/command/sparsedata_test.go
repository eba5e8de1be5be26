package command_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
)

func uleb(v uint64) []byte {
	return binary.AppendUvarint(nil, v)
}

func section(id byte, body []byte) []byte {
	return append(append([]byte{id}, uleb(uint64(len(body)))...), body...)
}

// TestSparseDataApplied: a module whose data would make a sparse image
// (16,500 one-byte segments 4 KiB apart: 67.6 MB of image pages for
// 16,500 bytes) gets no image (pkg/link: TestSparseDataImageNotMade); its
// instances still start with every segment in place.
func TestSparseDataApplied(t *testing.T) {
	const n, stride = 16500, 4096
	path := sparseModule(t, n, stride)
	inst, err := instantiate(t, path, command.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	mem := inst.Memory().Bytes()
	for i := 0; i < n; i++ {
		if got := mem[i*stride]; got != byte(i%255+1) {
			t.Fatalf("memory[%d] = %d, want %d", i*stride, got, i%255+1)
		}
		if mem[i*stride+1] != 0 {
			t.Fatalf("memory[%d] = %d, want 0", i*stride+1, mem[i*stride+1])
		}
	}
}

// sparseModule writes a module whose memory 0 is just large enough for n
// one-byte active data segments stride bytes apart, segment i holding
// i%255+1.
func sparseModule(t *testing.T, n, stride int) string {
	var segs []byte
	for i := 0; i < n; i++ {
		// active, memory 0, offset i32.const, 1 byte
		off := uleb(uint64(i * stride))
		if off[len(off)-1]&0x40 != 0 { // signed LEB: keep it positive
			off[len(off)-1] |= 0x80
			off = append(off, 0)
		}
		segs = append(segs, 0x00, 0x41)
		segs = append(segs, off...)
		segs = append(segs, 0x0b, 1, byte(i%255+1))
	}
	pages := uint64(n*stride/65536 + 1)
	mod := []byte("\x00asm\x01\x00\x00\x00")
	mod = append(mod, section(5, append([]byte{1, 0}, uleb(pages)...))...)                 // memory
	mod = append(mod, section(7, append([]byte{1, 3}, append([]byte("mem"), 2, 0)...))...) // export "mem"
	mod = append(mod, section(11, append(uleb(uint64(n)), segs...))...)
	path := filepath.Join(t.TempDir(), "sparse.wasm")
	if err := os.WriteFile(path, mod, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSparseDataSmallPages: segments applied one by one at instantiation
// write on small pages, even into a memory large enough for huge-page
// advice (pkg/execute's smallPages). 20,000 bytes 64 KiB apart (1.3 GB of
// memory) touch 80 MB of small pages; on huge pages they made 1.3 GB
// resident and took seconds of kernel time. On a host without transparent
// huge pages this holds anyway.
func TestSparseDataSmallPages(t *testing.T) {
	const n, stride = 20000, 65536
	path := sparseModule(t, n, stride)
	before := residentBytes(t)
	inst, err := instantiate(t, path, command.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	grew := residentBytes(t) - before
	if mem := inst.Memory().Bytes(); mem[(n-1)*stride] != byte((n-1)%255+1) {
		t.Fatalf("last segment not applied")
	}
	t.Logf("grew %d MB", grew>>20)
	if grew > 400<<20 {
		t.Fatalf("instantiation made %d MB resident for %d one-byte segments, want < 400 MB", grew>>20, n)
	}
}

// residentBytes is the process's resident set from /proc/self/statm.
func residentBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm to measure resident memory: %v", err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}
