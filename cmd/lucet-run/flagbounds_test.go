package main

import (
	"strings"
	"testing"
)

// TestMaxOpenFilesBounds: --max-open-files past what an fd table holds
// said "want at least 3", which it was.
func TestMaxOpenFilesBounds(t *testing.T) {
	hello := "../../testdata/hello.wasm"
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	for _, tc := range []struct {
		n, want string
		code    int
	}{
		{"2", "--max-open-files 2: want at least 3 (stdio", exitUsage},
		{"2147483648", "--max-open-files 2147483648: want at most 2147483647", exitUsage},
		{"99999999999", "--max-open-files 99999999999: want at most 2147483647", exitUsage},
		{"2147483647", "", exitOK},
	} {
		code, _, errs := lucetRun(t, "--max-open-files", tc.n, hello)
		if code != tc.code || tc.want != "" && !strings.Contains(errs, tc.want) {
			t.Errorf("--max-open-files %s: exit %d, stderr %q; want %d and %q", tc.n, code, errs, tc.code, tc.want)
		}
	}
}
