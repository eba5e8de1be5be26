package tailprobe

import (
	"fmt"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/pkg/bench"
)

func ru() (int64, int64, int64) {
	var ru syscall.Rusage
	syscall.Getrusage(1 /*RUSAGE_THREAD*/, &ru)
	return ru.Minflt, ru.Nivcsw, ru.Nvcsw
}

func TestTail(t *testing.T) {
	runtime.LockOSThread()
	mod, err := bench.Load("/tmp/lucet-peers/corpus/build/wasm/hello.wasm", api.LayoutGuard)
	if err != nil {
		t.Fatal(err)
	}
	f, err := bench.NewFactory(mod, api.LayoutGuard, 0, []string{"hello"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		in, _ := f.New()
		in.Close()
	}
	type rec struct {
		d             time.Duration
		flt, iv, v, gc int64
	}
	recs := make([]rec, 0, 20000)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for i := 0; i < 20000; i++ {
		f0, i0, v0 := ru()
		g0 := ms.NumGC
		t0 := time.Now()
		in, err := f.New()
		d := time.Since(t0)
		f1, i1, v1 := ru()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec{d, f1 - f0, i1 - i0, v1 - v0, int64(ms.NumGC - g0)})
		in.Close()
	}
	sort.Slice(recs, func(a, b int) bool { return recs[a].d < recs[b].d })
	n := len(recs)
	fmt.Println("median", recs[n/2].d, "p90", recs[n*9/10].d, "p99", recs[n*99/100].d)
	var flt, iv, v int
	for _, r := range recs[n*99/100-20:] {
		if r.flt > 0 {
			flt++
		}
		if r.iv > 0 {
			iv++
		}
		if r.v > 0 {
			v++
		}
	}
	fmt.Println("top1%+: faults", flt, "invol cs", iv, "vol cs", v, "of", n-n*99/100+20)
	for _, r := range recs[n*99/100-20 : n*99/100+10] {
		fmt.Print(r.d, " ")
	}
	fmt.Println()
}
