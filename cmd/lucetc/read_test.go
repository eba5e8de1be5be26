package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadInput checks that both ways of reading a module (into
// populated memory outside the heap for a large regular file, through
// cliflag.ReadInput otherwise) return the file's bytes, and that errors
// still name the file.
func TestReadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		size    int // -1: a directory; -2: missing
		wantErr string
	}{
		{"empty", 0, ""},
		{"small", 100, ""},
		{"just-under", offHeapMin - 1, ""},
		{"exact", offHeapMin, ""},
		{"large", 3*offHeapMin + 12345, ""},
		{"dir", -1, "is a directory"},
		{"missing", -2, "no such file"},
		{"fifo", -3, ""},
		{"large-not-a-module", -4, "not a WebAssembly module"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			var want []byte
			switch tc.size {
			case -1:
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			case -2:
			case -4:
				// Read into memory whole before anything looked at it.
				if err := os.WriteFile(path, make([]byte, 3*offHeapMin), 0o644); err != nil {
					t.Fatal(err)
				}
				if _, ok := readOffHeap(path); ok {
					t.Errorf("readOffHeap read a file of zeros")
				}
			case -3:
				// Read once, through cliflag.ReadInput: a second open
				// would wait for a writer that is gone.
				want = []byte("\x00asm\x01\x00\x00\x00")
				if err := syscall.Mkfifo(path, 0o644); err != nil {
					t.Fatal(err)
				}
				go func() {
					if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
						f.Write(want)
						f.Close()
					}
				}()
			default:
				want = make([]byte, tc.size)
				for i := range want {
					want[i] = byte(i * 7)
				}
				copy(want, "\x00asm") // a large file is read whole only if it may be a module
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			name, got, err := readInput(path, strings.NewReader("not this"))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want one naming %s and saying %q", err, path, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if name != path || !bytes.Equal(got, want) {
				t.Errorf("name %q, %d bytes (equal: %v); want %q, %d bytes", name, len(got), bytes.Equal(got, want), path, len(want))
			}
			if tc.size >= offHeapMin && len(got) != cap(got) {
				t.Errorf("off the heap: len %d != cap %d, the slice shows the mapping's spare byte", len(got), cap(got))
			}
		})
	}
}
