package decode_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/validate"
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
	defer reportCPU(b, len(buf))()
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
	defer reportCPU(b, len(buf))()
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

// reportCPU adds the process CPU time per operation, and the throughput
// it implies, to the wall-clock numbers: on a shared, loaded machine the
// wall clock mostly measures the other jobs.
func reportCPU(b *testing.B, size int) func() {
	start := cpuTime()
	return func() {
		per := (cpuTime() - start) / time.Duration(b.N)
		b.ReportMetric(float64(per.Microseconds())/1000, "cpu-ms/op")
		if per > 0 {
			b.ReportMetric(float64(size)/per.Seconds()/1e6, "cpu-MB/s")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
