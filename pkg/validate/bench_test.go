package validate

import (
	"os"
	"testing"

	"lucet/pkg/decode"
)

// benchModule returns the bytes of a large module: the file named by
// LUCET_BENCH_WASM, else testdata/gobig.wasm (a Go program built for
// wasip1: realistic compiler output), else a synthetic module of a few MB.
func benchModule(b *testing.B) []byte {
	p := os.Getenv("LUCET_BENCH_WASM")
	if p == "" {
		p = "../../testdata/gobig.wasm"
		if _, err := os.Stat(p); err != nil {
			return syntheticModule(2000, 2000)
		}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkValidate measures decode+validate and validate alone, single
// threaded, in module bytes per second.
func BenchmarkValidate(b *testing.B) {
	data := benchModule(b)
	b.Run("decode+validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m, err := decode.Decode(data, decode.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Module(m, Options{Parallel: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	m, err := decode.Decode(data, decode.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, par := range []int{1, 0} {
		name := "validate"
		if par == 0 {
			name = "validate-parallel"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Module(m, Options{Parallel: par}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
