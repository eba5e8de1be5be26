package main

import (
	"regexp"
	"testing"
)

// TestCacheCommands: --cache-stats and --cache-clean print one line that
// reads as English for any count and says when there is no limit
// (LUCET_CACHE_MAX=0).
func TestCacheCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LUCET_CACHE_DIR", dir)
	size := `[0-9.]+ (B|KiB|MiB)`
	steps := []struct {
		max  string // LUCET_CACHE_MAX
		args []string
		want string // stdout, a regular expression after the directory
	}{
		{"", []string{"--cache-stats"}, `0 entries, 0 B \(limit 2\.0 GiB\)`},
		{"", []string{"--invoke", "two", "testdata/invoke.wasm"}, ``},
		{"", []string{"--cache-stats"}, `1 entry, ` + size + ` \(limit 2\.0 GiB\)`},
		{"0", []string{"--cache-stats"}, `1 entry, ` + size + ` \(no limit\)`},
		{"", []string{"../../testdata/hello.wasm"}, ``},
		{"", []string{"--cache-stats"}, `2 entries, ` + size + ` \(limit 2\.0 GiB\)`},
		{"10MiB", []string{"--cache-clean"}, `removed 2 entries, ` + size + ` \(limit 10\.0 MiB\)`},
	}
	for _, s := range steps {
		t.Setenv("LUCET_CACHE_MAX", s.max)
		code, out, errs := lucetRun(t, s.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", s.args, code, errs)
		}
		if s.want == "" {
			continue
		}
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(dir) + `: ` + s.want + "\n$").MatchString(out) {
			t.Errorf("LUCET_CACHE_MAX=%s %v: %q, want %s: %s", s.max, s.args, out, dir, s.want)
		}
	}
}
