package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// EnvVar names the testsuite directory, overriding the default.
const EnvVar = "LUCET_TESTSUITE"

// Locate returns the testsuite directory: $LUCET_TESTSUITE, else
// ../shared/testsuite next to the repository root (the directory holding
// go.mod, found by walking up from the working directory). It fails,
// saying how to get the testsuite, when the directory has no core/.
func Locate() (string, error) {
	dir := os.Getenv(EnvVar)
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, "..", "shared", "testsuite")
	}
	if st, err := os.Stat(filepath.Join(dir, "core")); err != nil || !st.IsDir() {
		return "", fmt.Errorf("spectest: no testsuite at %s (no core/ directory); "+
			"run scripts/fetch-testsuite.sh to fetch and convert it, or set %s", dir, EnvVar)
	}
	return filepath.Abs(dir)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("spectest: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("spectest: no go.mod above the working directory; set " + EnvVar)
		}
		dir = parent
	}
}

// Scripts lists the .json scripts of the given testsuite subdirectories
// ("core", "simd"), sorted.
func Scripts(root string, subdirs ...string) ([]string, error) {
	var out []string
	for _, sub := range subdirs {
		m, err := filepath.Glob(filepath.Join(root, sub, "*", "*.json"))
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("spectest: no scripts in %s", filepath.Join(root, sub))
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}
