package execute

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// smapsLines calls f with each field line of /proc/self/smaps and the
// range [lo, hi) of the mapping it describes, until f returns false.
func smapsLines(t *testing.T, f func(lo, hi uint64, line string) bool) {
	t.Helper()
	file, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer file.Close()
	var lo, hi uint64
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if l, h, ok := strings.Cut(strings.Fields(line + " x")[0], "-"); ok && !strings.HasSuffix(l, ":") {
			a, err1 := strconv.ParseUint(l, 16, 64)
			b, err2 := strconv.ParseUint(h, 16, 64)
			if err1 == nil && err2 == nil {
				lo, hi = a, b
				continue
			}
		}
		if !f(lo, hi, line) {
			return
		}
	}
}

// hugeAdvised reports whether the mapping holding address a carries the
// MADV_HUGEPAGE flag ("hg" in /proc/self/smaps' VmFlags).
func hugeAdvised(t *testing.T, a uintptr) bool {
	t.Helper()
	found, advised := false, false
	smapsLines(t, func(lo, hi uint64, line string) bool {
		if uint64(a) < lo || uint64(a) >= hi || !strings.HasPrefix(line, "VmFlags:") {
			return true
		}
		found, advised = true, slices.Contains(strings.Fields(line)[1:], "hg")
		return false
	})
	if !found {
		t.Fatalf("no mapping holds %#x", a)
	}
	return advised
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

// TestPooledHugeMemoryIsClean: a memory grown past hugeFrom (advised for
// huge pages, which the pooled reservation keeps) and written all over is
// zero for the next tenant of its reservation, however far that tenant
// grows it and in what steps: the scrub at release (MADV_DONTNEED past
// scrubLimit, which splits a huge page it covers only in part) leaves no
// byte of the last tenant's, and what lies past the new tenant's length
// faults again.
func TestPooledHugeMemoryIsClean(t *testing.T) {
	obj := guardObject(t)
	const page = wasm.PageSize
	grows := [][]uint32{{200}, {10, 70}, {1, 100, 150}, {250}}
	var bases []uintptr
	for round, steps := range grows {
		s, err := NewStore(Config{})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := s.InstantiateObject(obj, nil)
		if err != nil {
			t.Fatal(err)
		}
		mem := inst.Memory()
		bases = append(bases, mem.res.addr())
		if _, err := inst.Func("load").Call(uint64(mem.Pages()) * page); !IsTrap(err, abi.TrapMemoryOutOfBounds) {
			t.Fatalf("round %d: load past the length = %v, want a trap", round, err)
		}
		for _, n := range steps {
			if _, ok := mem.Grow(n); !ok {
				t.Fatalf("round %d: grow %d failed", round, n)
			}
			for i, b := range mem.Bytes() {
				if b != 0 {
					t.Fatalf("round %d: byte %#x of %d pages is %#x, left by the last tenant", round, i, mem.Pages(), b)
				}
			}
		}
		if uintptr(len(mem.Bytes())) <= hugeFrom {
			t.Fatalf("round %d: %d bytes, not past hugeFrom", round, len(mem.Bytes()))
		}
		b := mem.Bytes()
		for i := range b {
			b[i] = 0xAA
		}
		s.Close()
	}
	for _, b := range bases[1:] {
		if b != bases[0] {
			t.Skipf("reservations were not reused (%#x): the pool was not exercised", bases)
		}
	}
}

// anonHugeKiB sums AnonHugePages over the mappings of /proc/self/smaps
// that overlap [lo, hi): how much of that range huge pages map.
func anonHugeKiB(t *testing.T, lo, hi uintptr) int {
	t.Helper()
	kib := 0
	smapsLines(t, func(a, b uint64, line string) bool {
		if f := strings.Fields(line); uint64(lo) < b && uint64(hi) > a && len(f) >= 2 && f[0] == "AnonHugePages:" {
			n, _ := strconv.Atoi(f[1])
			kib += n
		}
		return true
	})
	return kib
}

// TestGrowInStepsGetsHugePages: a memory grown 64 KiB at a time past
// hugeFrom, each step written as soon as it is there (malloc growing its
// heap), ends up on huge pages about as much as one grown in a single
// step: each 2 MiB block the end passes is collapsed (collapseHuge).
// Without it the block holding the end at a write gets small pages and
// keeps them, so the stepped memory had none.
func TestGrowInStepsGetsHugePages(t *testing.T) {
	const page = wasm.PageSize
	const size = 24 << 20
	huge := func(step uint32) int {
		m, err := NewMemory(wasm.MemType{Limits: wasm.Limits{Min: 1}})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		for m.Pages() < size/page {
			old, ok := m.Grow(min(step, size/page-m.Pages()))
			if !ok {
				t.Fatalf("grow from %d pages failed", m.Pages())
			}
			b := m.Bytes()
			for off := int(old) * page; off < len(b); off += int(pageSize) {
				b[off] = 1
			}
		}
		return anonHugeKiB(t, m.res.addr(), m.res.addr()+size)
	}
	once := huge(size/page - 1)
	if once == 0 {
		t.Skip("no huge page for a memory grown in one step (THP off, or none free): nothing to compare with")
	}
	stepped := huge(1)
	if stepped < once/2 {
		t.Errorf("grown 64 KiB at a time: %d KiB on huge pages, grown at once: %d KiB", stepped, once)
	}
}
