package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
)

// TestOutputIsInput: -o naming the input module, by its name or through a
// link, is a usage error and leaves the module as it was. The rename over
// it replaced the .wasm with its object, the source gone.
func TestOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "add.wasm")
	if err := os.WriteFile(in, addWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("add.wasm", filepath.Join(dir, "link.wasm")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{in, "-o", in},
		{in, "-o", filepath.Join(dir, "link.wasm")},
		{filepath.Join(dir, "link.wasm"), "-o", in},
		{in, "-o", filepath.Join(dir, ".", "add.wasm")},
		{"--emit=asm", in, "-o", in},
	} {
		code, _, stderr := lucetc(t, nil, args...)
		if code != 2 || !strings.Contains(stderr, "is the input module") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
		if b, err := os.ReadFile(in); err != nil || !bytes.Equal(b, addWasm) {
			t.Fatalf("%v: the input module changed (%d bytes, %v)", args, len(b), err)
		}
	}
	// Another file of the same content is no reason to refuse.
	cp := filepath.Join(dir, "copy.wasm")
	if err := os.WriteFile(cp, addWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := lucetc(t, nil, in, "-o", cp); code != 0 {
		t.Errorf("-o another file: exit %d: %s", code, stderr)
	}
}

// TestOutputDanglingLink: -o naming a symbolic link whose target does not
// exist yet writes the target, as a shell's redirection would, and as a
// link to an existing file is followed (TestOutputSpecialFiles); the link
// itself was replaced by the object.
func TestOutputDanglingLink(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{ // link -> its target, relative to dir
		"direct.so":  "sub/new.so",
		"chain.so":   "direct2.so",
		"direct2.so": "sub/chained.so",
		"abs.so":     filepath.Join(dir, "sub", "abs-target.so"),
	}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, l)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ link, made string }{
		{"direct.so", "sub/new.so"},
		{"chain.so", "sub/chained.so"},
		{"abs.so", "sub/abs-target.so"},
	} {
		lnk := filepath.Join(dir, tc.link)
		if code, _, stderr := lucetc(t, nil, in, "-o", lnk); code != 0 {
			t.Fatalf("-o %s: exit %d: %s", tc.link, code, stderr)
		}
		if fi, err := os.Lstat(lnk); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("-o %s: the symbolic link was replaced", tc.link)
		}
		m, err := load.File(filepath.Join(dir, tc.made))
		if err != nil {
			t.Errorf("-o %s: %s does not hold the object: %v", tc.link, tc.made, err)
			continue
		}
		m.Close()
	}
	// No temporary file is left anywhere.
	for _, d := range []string{dir, filepath.Join(dir, "sub")} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("temporary file %s left in %s", e.Name(), d)
			}
		}
	}
}
