package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet"
	"github.com/lucet-go/lucet/api"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadT(t testing.TB, path string, l api.Layout) *Module {
	t.Helper()
	m, err := Load(path, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

const hello = "../../testdata/hello.wasm"

// The JSON carries every field peerbench inst writes, under its names, so
// lucet's figures sit in peerbench's tables.
func TestJSONShape(t *testing.T) {
	mod := loadT(t, hello, api.LayoutGuard)
	res, err := Run(mod, hello, Options{Instances: 20, Warmup: 2, Parallel: 2, Call: "_start", Live: []int{10}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	// peerbench inst's record (../shared/peers/cmd/peerbench/main.go).
	for _, k := range []string{"cmd", "engine", "wasm", "n", "warmup", "call", "instantiate_us", "call_us", "close_us", "instances_per_s", "live"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	for _, k := range []string{"instantiate_us", "call_us", "close_us"} {
		s, _ := got[k].(map[string]any)
		for _, q := range []string{"n", "min", "median", "mean", "p90", "p99", "max"} {
			if _, ok := s[q].(float64); !ok {
				t.Errorf("%s has no number %q: %v", k, q, s)
			}
		}
	}
	lives, _ := got["live"].([]any)
	if len(lives) != 1 {
		t.Fatalf("live: %v", got["live"])
	}
	l := lives[0].(map[string]any)
	for _, k := range []string{"k", "created", "create_ms", "rss_kib_per_inst", "vm_kib_per_inst", "maps_per_inst", "go_heap_bytes_per_inst", "rss_before_kib", "rss_live_kib", "rss_after_close_kib", "vm_live_kib", "maps_live"} {
		if _, ok := l[k].(float64); !ok {
			t.Errorf("live entry has no number %q: %v", k, l)
		}
	}
	if res.InstUs.N != 20 || res.CallUs.N != 20 || res.Calls.Returned != 20 || res.Live[0].Created != 10 || res.Live[0].Calls.Returned != 10 {
		t.Errorf("counts: %+v", res)
	}
	// Not VMKiBPerInst: instances reuse the address space an earlier run
	// in this process left reserved (go test -count=3 saw 0), which is the
	// point of the pool, not a figure left unmeasured.
	if res.InstUs.Median <= 0 || res.PerSec <= 0 || res.Live[0].CreateMs <= 0 || res.Live[0].VMLiveKiB <= 0 {
		t.Errorf("figures not measured: %s", b)
	}
}

// A call that traps is counted by its code and the run goes on; every
// other live instance still answers.
func TestTrapsAreCounted(t *testing.T) {
	mod := loadT(t, "testdata/traps.wasm", api.LayoutGuard)
	for _, tt := range []struct{ call, trap string }{
		{"oob", "out of bounds memory access"},
		{"div0", "integer divide by zero"},
		{"unreachable", "unreachable"},
		{"overflow", "call stack exhausted"},
		{"badsig", "indirect call type mismatch"},
	} {
		res, err := Run(mod, "traps.wasm", Options{Instances: 5, Call: tt.call, Live: []int{7}})
		if err != nil {
			t.Fatalf("%s: %v", tt.call, err)
		}
		if res.Calls.Traps[tt.trap] != 5 || res.Live[0].Calls.Traps[tt.trap] != 7 || res.Live[0].Calls.Returned != 0 {
			t.Errorf("%s: calls %v, live calls %v; want %q x5 and x7", tt.call, res.Calls, res.Live[0].Calls, tt.trap)
		}
	}
	res, err := Run(mod, "traps.wasm", Options{Instances: 4, Keep: true, Call: "sometimes"})
	if err != nil {
		t.Fatal(err)
	}
	// Each instance is fresh: its first call sees an odd counter.
	if res.Calls.Traps["unreachable"] != 4 || len(res.Live) != 1 || res.Live[0].K != 4 || res.CloseUs.N != 4 {
		t.Errorf("keep: %+v", res)
	}
}

func TestBadOptions(t *testing.T) {
	mod := loadT(t, "testdata/traps.wasm", api.LayoutGuard)
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Call: "nope"}, `no function "nope"`},
		{Options{Call: "add"}, "without parameters"},
		{Options{Layout: api.LayoutDense}, "compiled with guard-page bounds checks"},
		{Options{MaxMemory: 1000}, "not a multiple"},
	} {
		if _, err := Run(mod, "traps.wasm", tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.opts, err, tt.want)
		}
	}
}

// The dense layout reserves only the memory limit per instance.
func TestDenseLayout(t *testing.T) {
	mod := loadT(t, "testdata/traps.wasm", api.LayoutDense)
	res, err := Run(mod, "traps.wasm", Options{Instances: 10, Layout: api.LayoutDense, MaxMemory: 1 << 20, Call: "oob", Live: []int{50}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Live[0].Calls.Traps["out of bounds memory access"] != 50 {
		t.Errorf("dense oob: %v", res.Live[0].Calls)
	}
	// A guard-layout memory reserves 6 GiB; a dense one its 1 MiB limit,
	// plus the stack (1 MiB) and bookkeeping.
	if v := res.Live[0].VMKiBPerInst; v > 8<<10 {
		t.Errorf("dense: %.0f KiB of address space per instance", v)
	}
}

// WriteText's layout, from a fixed result.
func TestTextGolden(t *testing.T) {
	res := &Result{Cmd: "inst", Engine: "lucet", Wasm: "hello.so", Layout: api.LayoutDense, MaxMemory: 16 << 20,
		N: 10000, Warmup: 100, Parallel: 8, Call: "_start",
		InstUs:  Summary{N: 10000, Min: 0.8, Median: 1.234, Mean: 1.5, P90: 2.5, P99: 4.75, Max: 1520},
		CallUs:  &Summary{N: 10000, Median: 3.5, P90: 4, P99: 9, Max: 12000},
		CloseUs: Summary{Median: 0.9},
		PerSec:  412345.6,
		Calls:   &Outcomes{Returned: 9990, Exits: map[int]int{1: 4, 0: 2}, Traps: map[string]int{"unreachable": 3, "integer divide by zero": 1}},
		Live: []Live{
			{K: 1000, Created: 1000, RSSKiBPerInst: 3.9, VMKiBPerInst: 17480, MapsPerInst: 0.02, GoHeapBytesPerInst: 312, RSSAfterKiB: 20480},
			{K: 100000, Created: 61234, RSSKiBPerInst: 4.1, VMKiBPerInst: 17480, MapsPerInst: 0.5, GoHeapBytesPerInst: -3, RSSAfterKiB: 30000,
				Error: "live instance 61235 of 100000: cannot allocate memory", Calls: &Outcomes{Returned: 61234}, RSSKiBPerInstCalled: 12.5},
		},
	}
	var b bytes.Buffer
	if err := WriteText(&b, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/text.golden", b.Bytes())
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update to accept):\n--- got\n%s--- want\n%s", filepath.Base(path), got, want)
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize(durs(5, 1, 4, 2, 3))
	if s.N != 5 || s.Min != 1 || s.Max != 5 || s.Median != 3 || s.Mean != 3 || s.P90 != 4.6 {
		t.Errorf("%+v", s)
	}
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("empty: %+v", got)
	}
}

func durs(us ...int) []time.Duration {
	return slices.Collect(func(yield func(time.Duration) bool) {
		for _, u := range us {
			if !yield(time.Duration(u) * time.Microsecond) {
				return
			}
		}
	})
}

// BenchmarkInstantiate is one instance created and torn down, as Run's
// timed loop does it (WASI linked, _start not run).
func BenchmarkInstantiate(b *testing.B) {
	for _, l := range []api.Layout{api.LayoutGuard, api.LayoutDense} {
		b.Run(l.String(), func(b *testing.B) {
			mod := loadT(b, hello, l)
			f, err := NewFactory(mod, l, lucet.Limits{}, []string{"hello"})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				in, err := f.New()
				if err != nil {
					b.Fatal(err)
				}
				in.Close()
			}
		})
	}
}

// BenchmarkInstantiateRun adds a run of _start to each cycle, across
// GOMAXPROCS goroutines.
func BenchmarkInstantiateRun(b *testing.B) {
	mod := loadT(b, hello, api.LayoutGuard)
	f, err := NewFactory(mod, api.LayoutGuard, lucet.Limits{}, []string{"hello"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer() // the compile above is not the cycle's: keep it out of allocs/op
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in, err := f.New()
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := in.Run(context.Background()); err != nil {
				b.Error(err)
			}
			in.Close()
		}
	})
}

// TestHugeCountsNotPreallocated: --instances or --live of 10^12 made room
// for that many records before the first instance, and the runtime died
// with "fatal error: runtime: out of memory" and a stack dump. A factory
// whose pool is closed fails its first New, so each loop ends at once.
func TestHugeCountsNotPreallocated(t *testing.T) {
	mod := loadT(t, "testdata/traps.wasm", api.LayoutGuard)
	f, err := NewFactory(mod, api.LayoutGuard, lucet.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	const huge = 1 << 40
	for _, opts := range []Options{{}, {Keep: true}, {Call: "add"}} {
		var w worker
		w.run(f, huge, opts)
		if w.err == nil || cap(w.inst) > maxPrealloc || cap(w.close) > maxPrealloc || cap(w.call) > maxPrealloc {
			t.Errorf("%+v: error %v, room for %d/%d/%d records; want an error and at most %d", opts, w.err, cap(w.inst), cap(w.close), cap(w.call), maxPrealloc)
		}
	}
	if l, err := live(f, huge, Options{}); err == nil || l.Created != 0 {
		t.Errorf("live: %d created, error %v; want none and an error", l.Created, err)
	}
}
