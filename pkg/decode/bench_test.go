package decode_test

import (
	"os"
	"testing"

	"lucet/pkg/decode"
	"lucet/pkg/validate"
)

// gobig is testdata/gobig.wasm (built by scripts/build-testdata.sh).
func gobig(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("../../testdata/gobig.wasm")
	if err != nil {
		tb.Fatalf("%v (run scripts/build-testdata.sh)", err)
	}
	return b
}

func BenchmarkDecode(b *testing.B) {
	buf := gobig(b)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode.Decode(buf, decode.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeValidate is the front end's throughput on a real
// multi-megabyte module, single-threaded.
func BenchmarkDecodeValidate(b *testing.B) {
	buf := gobig(b)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := decode.Decode(buf, decode.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := validate.Module(m, validate.Options{Parallel: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
