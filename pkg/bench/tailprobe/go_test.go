package tailprobe

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
)

type blob struct {
	p [140]*int
	b [1000]byte
}

func TestGoHeap(t *testing.T) {
	const k = 10000
	xs := make([]*blob, 0, k)
	runtime.GC()
	debug.FreeOSMemory()
	a := smaps()
	for i := 0; i < k; i++ {
		x := &blob{}
		x.b[0], x.b[999] = 1, 1
		xs = append(xs, x)
	}
	runtime.GC()
	debug.FreeOSMemory()
	b := smaps()
	for key, v := range b {
		if d := v - a[key]; d > 100 || d < -100 {
			fmt.Println(key, float64(d)/k*1024, "B/inst")
		}
	}
	runtime.KeepAlive(xs)
}
