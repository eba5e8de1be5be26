package lucet_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lucet-go/lucet"
)

// BenchmarkSoak is the edge pattern at length through the front door:
// instantiate hello (WASI), run _start, close, on 8 goroutines, in each
// layout. It reports how resident memory, mappings and open descriptors
// moved from cycle 10,000 to the end, and fails if memory grew by more
// than 5%, a descriptor leaked or mappings grew past what bounded caches
// explain. The 1,000,000-cycle run is
// make soak (go test -run '^$' -bench Soak -benchtime 1000000x .).
func BenchmarkSoak(b *testing.B) {
	for _, l := range []lucet.Layout{lucet.LayoutGuard, lucet.LayoutDense} {
		b.Run(l.String(), func(b *testing.B) {
			rt := lucet.NewRuntime(lucet.RuntimeConfig{Layout: l, NoCache: true})
			mod, err := rt.LoadModule("testdata/hello.wasm")
			if err != nil {
				b.Fatal(err)
			}
			defer mod.Close()
			pool, err := rt.NewPool(lucet.PoolConfig{})
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			cfg := lucet.InstanceConfig{WASI: &lucet.WASIConfig{Args: []string{"hello"}}}
			ctx := context.Background()
			const warm = 10000
			var done atomic.Int64
			var at10k atomic.Pointer[procCounts]
			b.ReportAllocs()
			b.SetParallelism(4) // 8 goroutines on GOMAXPROCS 2
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					inst, err := pool.Instantiate(ctx, mod, cfg)
					if err != nil {
						b.Error(err)
						return
					}
					if status, err := inst.Run(ctx); err != nil || status != 0 {
						b.Errorf("run: status %d, %v", status, err)
					}
					inst.Close()
					if done.Add(1) == warm {
						c := readCounts(b)
						at10k.Store(&c)
					}
				}
			})
			b.StopTimer()
			w := at10k.Load()
			if w == nil {
				return // fewer cycles than the warm-up: nothing to compare
			}
			end := readCounts(b)
			growth := 100 * float64(end.rssKiB-w.rssKiB) / float64(w.rssKiB)
			b.ReportMetric(growth, "rss-growth-%")
			b.ReportMetric(float64(end.maps-w.maps), "maps-growth")
			b.ReportMetric(float64(end.fds-w.fds), "fds-growth")
			// A few mappings may still be added after cycle 10,000 by the
			// runtime's bounded caches (pooled stacks and reservations,
			// Go's own threads); a leak would grow with the cycles.
			if growth > 5 || end.maps > w.maps+maxCacheMaps || end.fds > w.fds {
				b.Errorf("after %d cycles: RSS %d -> %d KiB (%+.1f%%), mappings %d -> %d, fds %d -> %d",
					done.Load(), w.rssKiB, end.rssKiB, growth, w.maps, end.maps, w.fds, end.fds)
			}
		})
	}
}

// maxCacheMaps bounds the mappings the process may add after warm-up
// without leaking: stacks and reservations pooled for the goroutines
// running at once, and Go's own.
const maxCacheMaps = 32

type procCounts struct {
	rssKiB    int64
	maps, fds int
}

// readCounts settles the Go heap (as peerbench and lucet-bench do before
// reading RSS) and reads the process's figures.
func readCounts(tb testing.TB) procCounts {
	runtime.GC()
	debug.FreeOSMemory()
	var c procCounts
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			c.rssKiB, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	m, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		tb.Fatal(err)
	}
	c.maps = strings.Count(string(m), "\n")
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Fatal(err)
	}
	c.fds = len(fds)
	return c
}
