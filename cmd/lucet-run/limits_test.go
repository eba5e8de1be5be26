package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyWasm copies, renames and hard-links from its first directory into
// its second (testdata/wasi/c/copy.c), printing "label: OK" or
// "label: FAIL (ERRNO)" for each step.
const copyWasm = "../../testdata/wasi/wasm/copy.wasm"

// seedCopyDirs makes copy.wasm's two directories: in holds src.txt and
// moveme.txt, out holds existing.txt.
func seedCopyDirs(t *testing.T) (in, out string) {
	t.Helper()
	root := t.TempDir()
	in, out = filepath.Join(root, "in"), filepath.Join(root, "out")
	for _, f := range []struct{ path, text string }{
		{filepath.Join(in, "src.txt"), "source text\n"},
		{filepath.Join(in, "moveme.txt"), "move"},
		{filepath.Join(out, "existing.txt"), "old"},
	} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return in, out
}

func listDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = string(b)
	}
	return got
}

// --dir-ro and --dir's :ro suffix reach the WASI sandbox: the guest's
// create, rename into and link into a read-only directory fail with
// EPERM, and the host directory is left as it was. The same run with
// --dir (or an explicit :rw) succeeds, so it is the flag that refused.
func TestDirReadOnly(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	for _, tc := range []struct{ flag, suffix string }{
		{"--dir", ""}, {"--dir", ":rw"}, {"--dir-ro", ""}, {"--dir", ":ro"}, {"--dir-ro", ":ro"},
	} {
		t.Run(tc.flag+tc.suffix, func(t *testing.T) {
			in, out := seedCopyDirs(t)
			code, stdout, stderr := lucetRun(t, "--dir", in+"::/in", tc.flag, out+"::/out"+tc.suffix, copyWasm, "/in", "/out")
			if tc.flag == "--dir" && tc.suffix != ":ro" {
				if code != 0 || !strings.Contains(stdout, "failures: 0") {
					t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
				}
				return
			}
			for _, want := range []string{
				"create out/copy.txt: FAIL (EPERM)",
				"rename in/moveme.txt -> out/moved.txt: FAIL (EPERM)",
				"link in/src.txt -> out/linked.txt: FAIL (EPERM)",
			} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if code != 1 {
				t.Errorf("exit %d, want the guest's 1\n%s", code, stderr)
			}
			if got := listDir(t, out); len(got) != 1 || got["existing.txt"] != "old" {
				t.Errorf("read-only directory changed: %v", got)
			}
			if got := listDir(t, in); len(got) != 2 || got["moveme.txt"] != "move" {
				t.Errorf("source directory changed: %v", got)
			}
		})
	}
}

// --max-output cuts the guest's output at the limit and says so;
// --max-open-files must leave room for stdio and the preopens.
func TestOutputAndFileLimits(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	const hello = "../../testdata/hello.wasm"
	code, stdout, stderr := lucetRun(t, "--max-output", "5", hello)
	if stdout != "Hello" || !strings.Contains(stderr, "output was cut at --max-output (5 bytes)") {
		t.Errorf("--max-output 5: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = lucetRun(t, "--max-output", "1KiB", hello)
	if code != 0 || !strings.HasPrefix(stdout, "Hello") {
		t.Errorf("--max-output 1KiB: exit %d, stdout %q", code, stdout)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--max-output", "lots", hello}, exitUsage, "--max-output lots: want a size"},
		{[]string{"--max-open-files", "3", "--dir", dir, hello}, exitUsage, "--max-open-files 3: want at least 4"},
		{[]string{"--max-open-files", "4", "--dir", dir, hello}, exitOK, ""},
	} {
		code, _, stderr := lucetRun(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", tc.args, code, stderr, tc.code, tc.stderr)
		}
	}
}

// --max-table-elements bounds the guest's tables together (table.wasm's
// two start with 12): growth past it returns -1, a module that starts
// past it is refused; without it the runtime's most, 1<<24, applies.
func TestMaxTableElements(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	const tables = "../../testdata/api/table.wasm"
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"--max-table-elements", "20", "--invoke", "grow", tables, "8"}, exitOK, "8\n", ""},
		{[]string{"--max-table-elements", "20", "--invoke", "grow", tables, "9"}, exitOK, "-1\n", ""},
		{[]string{"--invoke", "grow", tables, "16777204"}, exitOK, "8\n", ""},
		{[]string{"--invoke", "grow", tables, "16777205"}, exitOK, "-1\n", ""},
		{[]string{"--max-table-elements", "10", "--invoke", "size", tables}, exitError, "", "limit of 10"},
	} {
		code, stdout, stderr := lucetRun(t, tc.args...)
		if code != tc.code || stdout != tc.stdout || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}

// --max-memory-pages past the most the runtime allows is the most, not the
// value's low 32 bits (4294967297 was one page): big.wasm's 1024 pages
// instantiate, and lucet-run goes on to find it has no _start.
func TestMaxMemoryPagesClamped(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	code, _, stderr := lucetRun(t, "--max-memory-pages", "4294967297", "../../testdata/api/big.wasm")
	if code != exitError || !strings.Contains(stderr, `no function "_start"`) {
		t.Errorf("exit %d, stderr %q; want %d and no _start", code, stderr, exitError)
	}
}
