package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSecurityPromisesHaveTests: every test SECURITY.md names beside a
// promise exists. A reference is `dir: TestName` (a directory of the
// repository, or lucet for the root package) or, after one, a bare
// `TestName` in the same package; and SECURITY.md promises nothing as
// "in progress".
func TestSecurityPromisesHaveTests(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(strings.ToLower(string(doc)), "in progress"); i >= 0 {
		t.Errorf("SECURITY.md still marks a promise in progress: %q", firstLines(string(doc[i:]), 1))
	}
	ref := regexp.MustCompile("`(?:([a-z0-9/-]+): )?((?:Test|Fuzz)\\w+)`")
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
		dir := filepath.Join(repoRoot, pkg)
		if pkg == "lucet" {
			dir = repoRoot
		}
		if !hasTest(t, dir, m[2]) {
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

// TestSigningTools: lucetc --keygen and --sign-key make a signed object
// that lucet-run --trusted-keys runs, and lucet-run refuses an unsigned
// object, one signed by another key and a .wasm, each in one line with
// exit 1.
func TestSigningTools(t *testing.T) {
	lc, err := bin("lucetc")
	if err != nil {
		t.Fatal(err)
	}
	lr, err := bin("lucet-run")
	if err != nil {
		t.Fatal(err)
	}
	d := t.TempDir()
	wasm := filepath.Join(repoRoot, "testdata", "hello.wasm")
	sh := func(limit time.Duration, exe string, args ...string) *result {
		t.Helper()
		r, err := run(exec.Command(exe, args...), nil, limit)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, k := range []string{"alice", "mallory"} {
		if r := sh(runLimit, lc, "--keygen", filepath.Join(d, k)); r.code != 0 {
			t.Fatalf("lucetc --keygen: %v: %s", r, r.stderr)
		}
	}
	if r := sh(runLimit, lc, "--keygen", filepath.Join(d, "alice")); r.code == 0 || strings.Count(strings.TrimSpace(string(r.stderr)), "\n") != 0 {
		t.Errorf("lucetc --keygen over an existing key: %v: %s", r, r.stderr)
	}
	signed, other, unsigned := filepath.Join(d, "signed.so"), filepath.Join(d, "other.so"), filepath.Join(d, "unsigned.so")
	for _, c := range [][]string{
		{"--sign-key", filepath.Join(d, "alice"), wasm, "-o", signed},
		{"--sign-key", filepath.Join(d, "mallory"), wasm, "-o", other},
		{wasm, "-o", unsigned},
	} {
		if r := sh(compileLimit, lc, c...); r.code != 0 {
			t.Fatalf("lucetc %v: %v: %s", c, r, r.stderr)
		}
	}
	trusted := filepath.Join(d, "alice.pub")
	if r := sh(runLimit, lr, "--trusted-keys", trusted, signed); r.code != 0 || !strings.Contains(string(r.stdout), "Hello") {
		t.Errorf("signed object: %v, stdout %q, stderr %s", r, r.stdout, r.stderr)
	}
	for _, c := range []struct{ name, path, want string }{
		{"unsigned", unsigned, "not signed"},
		{"other key", other, "not trusted"},
		{"wasm", wasm, "only signed objects run"},
	} {
		r := sh(compileLimit, lr, "--trusted-keys", trusted, c.path)
		msg := strings.TrimSpace(string(r.stderr))
		if r.code != 1 || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || len(r.stdout) != 0 {
			t.Errorf("%s: %v, stdout %q, stderr %q; want exit 1 and one line containing %q", c.name, r, r.stdout, msg, c.want)
		}
	}
}
