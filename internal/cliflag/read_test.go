package cliflag

import (
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
		{filepath.Join(dir, "nosuch"), "", 0, filepath.Join(dir, "nosuch"), "", filepath.Join(dir, "nosuch") + ": no such file or directory"},
	} {
		name, b, err := ReadInput(tc.path, strings.NewReader(tc.stdin), tc.limit)
		if name != tc.name || string(b) != tc.got || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ReadInput(%q, %q, %d) = %q, %q, %v; want %q, %q, %q", tc.path, tc.stdin, tc.limit, name, b, err, tc.name, tc.got, tc.err)
		}
	}
}
