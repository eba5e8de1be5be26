// Package golden compares the tools' output with files under
// testdata/golden; `go test -update` rewrites them.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// Transcript is how a run is recorded: the command, its exit status, and
// both streams.
func Transcript(tool string, args []string, code int, stdout, stderr string) string {
	return fmt.Sprintf("$ %s %s\nexit %d\n-- stdout --\n%s-- stderr --\n%s", tool, strings.Join(args, " "), code, stdout, stderr)
}

// Check compares got with testdata/golden/NAME.golden.
func Check(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// Update reports whether -update was given, for tests with golden files of
// their own form.
func Update() bool { return *update }
