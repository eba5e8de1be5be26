package tailprobe

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/pkg/bench"
)

func smaps() map[string]int {
	f, _ := os.Open("/proc/self/smaps")
	defer f.Close()
	sc := bufio.NewScanner(f)
	out := map[string]int{}
	cur := ""
	for sc.Scan() {
		l := sc.Text()
		fs := strings.Fields(l)
		if len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":") {
			name := ""
			if len(fs) >= 6 {
				name = fs[5]
			}
			cur = fs[0] + " " + fs[1] + " " + name
			continue
		}
		if fs[0] == "Rss:" {
			var n int
			fmt.Sscan(fs[1], &n)
			out[cur] += n
		}
	}
	return out
}

func TestLiveHeap(t *testing.T) {
	l := api.LayoutGuard
	if os.Getenv("DENSE") != "" {
		l = api.LayoutDense
	}
	mod, _ := bench.Load("/tmp/lucet-peers/corpus/build/wasm/hello.wasm", l)
	f, _ := bench.NewFactory(mod, l, 0, []string{"hello"})
	const k = 10000
	ins := make([]bench.Instance, 0, k)
	runtime.GC()
	debug.FreeOSMemory()
	a := smaps()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for i := 0; i < k; i++ {
		in, err := f.New()
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in)
	}
	runtime.GC()
	debug.FreeOSMemory()
	b := smaps()
	runtime.ReadMemStats(&m1)
	fmt.Println("GCSys", int64(m1.GCSys-m0.GCSys)/k, "OtherSys", int64(m1.OtherSys-m0.OtherSys)/k, "MSpanSys", int64(m1.MSpanSys-m0.MSpanSys)/k, "StackSys", int64(m1.StackSys)-int64(m0.StackSys), "HeapSys", int64(m1.HeapSys-m0.HeapSys)/k, "HeapInuse", int64(m1.HeapInuse-m0.HeapInuse)/k)
	for key, v := range b {
		if d := v - a[key]; d > 100 || d < -100 {
			fmt.Println(key, float64(d)/k*1024, "B/inst")
		}
	}
	for key, v := range b {
		if d := v - a[key]; d > 5000 {
			fmt.Println("BIG", key)
			peek(strings.Fields(key)[0])
		}
	}
	for _, in := range ins {
		in.Close()
	}
}

func dump(rng string) {
	bs, _ := os.ReadFile("/proc/self/smaps")
	on := false
	for _, l := range strings.Split(string(bs), "\n") {
		if strings.HasPrefix(l, rng) {
			on = true
		} else if on && strings.Contains(strings.Fields(l+" x")[0], "-") && !strings.HasSuffix(strings.Fields(l+" x")[0], ":") {
			return
		}
		if on {
			fmt.Println("   ", l)
		}
	}
}

func peek(rng string) {
	var lo, hi uintptr
	fmt.Sscanf(strings.Replace(rng, "-", " ", 1), "%x %x", &lo, &hi)
	if hi-lo > 64<<20 {
		return
	}
	b := unsafe.Slice((*uint64)(unsafe.Pointer(lo)), (hi-lo)/8)
	shown := 0
	for i := 0; i < len(b) && shown < 6; i += 512 {
		nz := 0
		for _, w := range b[i : i+512] {
			if w != 0 {
				nz++
			}
		}
		if nz > 0 {
			fmt.Printf("  page %#x nonzero words %d: %x\n", lo+uintptr(i*8), nz, b[i:i+12])
			shown++
		}
	}
}
