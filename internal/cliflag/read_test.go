package cliflag

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadInput is every tool's way of reading its module: the name errors
// use, a size limit, directories and missing files in one line each.
func TestReadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(file, []byte("12345678"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Files are read into a buffer of their size: an empty one and one
	// past the first read's usual 512 bytes.
	empty, big := filepath.Join(dir, "empty.wasm"), filepath.Join(dir, "big.wasm")
	bigData := strings.Repeat("0123456789", 1000)
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte(bigData), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, stdin string
		limit       int
		name, got   string
		err         string
	}{
		{file, "", 0, file, "12345678", ""},
		{empty, "", 0, empty, "", ""},
		{big, "", 0, big, bigData, ""},
		{big, "", 10000, big, bigData, ""},
		{big, "", 9999, big, "", big + ": larger than 9999 bytes, the most lucet accepts"},
		{file, "", 8, file, "12345678", ""},
		{file, "", 7, file, "", file + ": larger than 7 bytes, the most lucet accepts"},
		{"-", "abc", 0, "<stdin>", "abc", ""},
		{"-", "abcd", 3, "<stdin>", "", "<stdin>: larger than 3 bytes, the most lucet accepts"},
		{dir, "", 0, dir, "", dir + ": is a directory, not a module"},
		{"", "", 0, "", "", `the module path is empty (""); give a file, or - for standard input`},
		{filepath.Join(dir, "nosuch"), "", 0, filepath.Join(dir, "nosuch"), "", filepath.Join(dir, "nosuch") + ": no such file or directory"},
	} {
		name, b, err := ReadInput(tc.path, strings.NewReader(tc.stdin), tc.limit)
		if name != tc.name || string(b) != tc.got || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ReadInput(%q, %q, %d) = %q, %q, %v; want %q, %q, %q", tc.path, tc.stdin, tc.limit, name, b, err, tc.name, tc.got, tc.err)
		}
	}
}

// An input of unknown length is refused once its first bytes show it is
// no module, however much more of it there would be; a regular file
// larger than the limit is refused before it is read.
func TestReadInputEndless(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		// Endless garbage until the reader is gone (EPIPE).
		buf := []byte(strings.Repeat("garbage ", 8192))
		for {
			if _, err := pw.Write(buf); err != nil {
				pw.Close()
				return
			}
		}
	}()
	sparse := filepath.Join(t.TempDir(), "sparse")
	if err := os.WriteFile(sparse, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 1<<40); err != nil {
		t.Skipf("no sparse file of 1 TiB here (%v); the size check is the same as for the 9999-byte limit above", err)
	}
	for _, tc := range []struct {
		path  string
		stdin io.Reader
		err   string
	}{
		{"/dev/zero", nil, "/dev/zero: not a WebAssembly module"},
		{"/dev/urandom", nil, "/dev/urandom: not a WebAssembly module"},
		{"-", pr, "<stdin>: not a WebAssembly module"},
		{sparse, nil, sparse + ": larger than 4294967296 bytes"},
	} {
		_, b, err := ReadInput(tc.path, tc.stdin, 0)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) || b != nil {
			t.Errorf("ReadInput(%q) = %d bytes, %v; want an error starting %q", tc.path, len(b), err, tc.err)
		}
	}
	pr.Close()
}

// CheckPaths finds an empty module path among a command line's; IsUsage
// tells its error, and ErrTerminal, from an input refused.
func TestCheckPaths(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		usage bool
	}{
		{nil, false},
		{[]string{"m.wasm", "-"}, false},
		{[]string{""}, true},
		{[]string{"m.wasm", ""}, true},
	} {
		err := CheckPaths(tc.paths...)
		if (err != nil) != tc.usage || IsUsage(err) != tc.usage {
			t.Errorf("CheckPaths(%q) = %v (IsUsage %v), want an error: %v", tc.paths, err, IsUsage(err), tc.usage)
		}
	}
	if !IsUsage(fmt.Errorf("x: %w", ErrTerminal)) || IsUsage(os.ErrNotExist) {
		t.Error("IsUsage: ErrTerminal is a usage error, a missing file is not")
	}
}
