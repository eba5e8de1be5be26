package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSIMDWithoutSSE41 runs a SIMD program on a CPU that (as far as Go's
// feature detection says: GODEBUG=cpu.sse41=off) lacks SSE4.1: lucet-run
// must refuse it at load with a one-line error naming the feature, never
// run it into SIGILL.
func TestSIMDWithoutSSE41(t *testing.T) {
	lr, err := bin("lucet-run")
	if err != nil {
		t.Fatal(err)
	}
	wasmPath := filepath.Join(repoRoot, "testdata", "simd", "wasm", "matmul_simd.wasm")
	cmd := exec.Command(lr, wasmPath, "8")
	cmd.Env = append(os.Environ(), "GODEBUG=cpu.sse41=off")
	r, err := run(cmd, nil, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.TrimSpace(string(r.stderr))
	if r.code != 1 || r.signal != "" || !strings.Contains(msg, "CPU lacks features the code needs: sse41") ||
		strings.Contains(msg, "\n") || len(r.stdout) != 0 {
		t.Errorf("%v, stdout %q, stderr %q: want exit 1 and one line naming sse41", r, r.stdout, r.stderr)
	}
}
