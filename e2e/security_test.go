package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityPromisesHaveTests: every test SECURITY.md names beside a
// promise exists. A reference is `pkg/dir: TestName` or, after one, a bare
// `TestName` in the same package; "(in progress)" marks tests not yet
// written and is not checked.
func TestSecurityPromisesHaveTests(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile("`(?:([a-z0-9/]+): )?((?:Test|Fuzz)\\w+)`")
	pkg, n := "", 0
	for _, m := range ref.FindAllStringSubmatch(string(doc), -1) {
		if m[1] != "" {
			pkg = m[1]
		}
		if pkg == "" {
			t.Errorf("%s named without a package", m[2])
			continue
		}
		n++
		if !hasTest(t, filepath.Join(repoRoot, pkg), m[2]) {
			t.Errorf("SECURITY.md names %s: %s, which does not exist", pkg, m[2])
		}
	}
	if n < 20 {
		t.Errorf("only %d tests named in SECURITY.md", n)
	}
}

func hasTest(t *testing.T, dir, name string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "\nfunc "+name+"(") {
			return true
		}
	}
	return false
}
