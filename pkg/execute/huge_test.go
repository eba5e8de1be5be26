package execute

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// hugeAdvised reports whether the mapping holding address a carries the
// MADV_HUGEPAGE flag ("hg" in /proc/self/smaps' VmFlags).
func hugeAdvised(t *testing.T, a uintptr) bool {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := strings.Cut(strings.Fields(line + " x")[0], "-"); ok && !strings.HasSuffix(lo, ":") {
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				in = uint64(a) >= l && uint64(a) < h
				continue
			}
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			for _, fl := range strings.Fields(line)[1:] {
				if fl == "hg" {
					return true
				}
			}
			return false
		}
	}
	t.Fatalf("no mapping holds %#x", a)
	return false
}

// TestHugePages checks which parts of a memory are advised for
// transparent huge pages: nothing while it is at most hugeFrom bytes
// long, then everything past hugeFrom (what it has grown into and what
// it may grow into), never the start, whether the memory grows past
// hugeFrom or starts past it.
func TestHugePages(t *testing.T) {
	const page = wasm.PageSize
	for _, tc := range []struct {
		name     string
		min      uint64
		grow     []uint32
		advised  bool
		checkOff []uintptr
	}{
		{"small", 1, []uint32{10}, false, []uintptr{0, hugeFrom - page, hugeFrom, hugeFrom + 64*page}},
		{"at hugeFrom", 1, []uint32{hugeFrom/page - 1}, false, []uintptr{hugeFrom - page, hugeFrom}},
		{"grown past", 1, []uint32{10, 200}, true, []uintptr{hugeFrom, hugeFrom + 100*page, 1 << 30}},
		{"started past", hugeFrom/page + 1, nil, true, []uintptr{hugeFrom, hugeFrom + page}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMemory(wasm.MemType{Limits: wasm.Limits{Min: tc.min}})
			if err != nil {
				t.Fatal(err)
			}
			defer m.res.free()
			for _, g := range tc.grow {
				if _, ok := m.Grow(g); !ok {
					t.Fatalf("grow by %d failed", g)
				}
			}
			base := m.res.addr()
			if hugeAdvised(t, base) {
				t.Errorf("the memory's start is advised for huge pages")
			}
			for _, off := range tc.checkOff {
				if got := hugeAdvised(t, base+off); got != tc.advised {
					t.Errorf("%d pages: offset %#x advised %v, want %v", m.Pages(), off, got, tc.advised)
				}
			}
		})
	}
}
