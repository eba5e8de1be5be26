package validate

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/decode"
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

// threadCPU is the CPU time consumed by the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuRate reports module bytes per second of this thread's CPU time as
// "cpu-MB/s". On a shared, loaded machine wall-clock MB/s mostly measures
// the other tenants; thread CPU time does not (it leaves out the GC's
// background workers, so it flatters allocation-heavy code a little).
func cpuRate(b *testing.B, size int, run func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	t0 := threadCPU()
	run()
	if d := threadCPU() - t0; d > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/d.Seconds(), "cpu-MB/s")
	}
}

// BenchmarkValidate measures decode+validate and validate alone, single
// threaded, in module bytes per second, plus validation with every core.
func BenchmarkValidate(b *testing.B) {
	data := benchModule(b)
	b.Run("decode+validate", func(b *testing.B) {
		cpuRate(b, len(data), func() {
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
			if par != 1 {
				// Other threads do the work; thread CPU time means nothing.
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					if _, err := Module(m, Options{Parallel: par}); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			cpuRate(b, len(data), func() {
				for i := 0; i < b.N; i++ {
					if _, err := Module(m, Options{Parallel: par}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
