package corpus_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
)

// widerOutputs is what each program of testdata/bench/wider prints at
// size 1, under lucet and wasmtime alike (checked with peerbench when
// the set last changed): a wrong result in both tiers shows here, where
// comparing the tiers alone would miss it.
var widerOutputs = map[string]string{
	"aes":       "aes 49ceba046f62c374",
	"base64":    "base64 1 1555af008eede05c",
	"bignum":    "bignum 1 7ddbe202d276bfac",
	"bintree":   "bintree 1 003fcb0001a677d2",
	"crc32":     "crc32 1 2531240c 2531240c a9fe7d953e288037",
	"glob":      "glob 1 0 0000150000008baf",
	"gowide":    "gowide 1 1 7cc3ebc9a17afb 530.929",
	"hashtab":   "hashtab 1 0000000000000000",
	"json":      "json 1 d1f30e2e68d103c4 5745669565576.124",
	"lz77":      "lz77 1 078a0d00309ffc17",
	"mandel":    "mandel 1 1 00000100000009b3",
	"polybench": "polybench 1 0.000000 2.000000 999",
	"raytrace":  "raytrace 1 0.350000 19192600e26c8b93",
	"vm":        "vm 1 f43cb1deaf471e58",
}

// TestWider runs every program of the committed wider benchmark set
// (testdata/bench/wider, the programs scripts/wider.sh times) at size 1
// under -O 0 with explicit bounds checks and -O 2 in both bounds modes,
// and checks each output against widerOutputs.
func TestWider(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "bench", "wider", "*.wasm"))
	if len(files) < len(widerOutputs) {
		t.Fatalf("%d programs in testdata/bench/wider, want %d", len(files), len(widerOutputs))
	}
	guard := codegen.Options{Bounds: object.BoundsGuard, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard}
	configs := []struct {
		name string
		opts codegen.Options
	}{
		{"O0-explicit", codegen.Options{Bounds: object.BoundsExplicit}},
		{"O2-explicit", codegen.Options{OptLevel: 2, Bounds: object.BoundsExplicit}},
		{"O2-guard", func() codegen.Options { o := guard; o.OptLevel = 2; return o }()},
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".wasm")
		want, ok := widerOutputs[name]
		if !ok {
			t.Errorf("%s: no expected output in widerOutputs", name)
			continue
		}
		for _, c := range configs {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				if testing.Short() && name == "gowide" {
					t.Skip("gowide compiles 2.3 MB of Go")
				}
				out, _ := runWASI(t, f, c.opts, "1")
				if got := strings.TrimSpace(out); got != want {
					t.Errorf("output %q, want %q", got, want)
				}
			})
		}
	}
}
