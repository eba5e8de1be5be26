package execute

import (
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"golang.org/x/sys/unix"
)

// A table's null elements are address space only, as a memory's zero
// pages are: writing them committed every page, so a 40-byte module
// with a table of 10 million funcrefs cost each instance 76 MiB of
// resident memory (200 live instances: 15 GB). The nulls must still read
// as null, in a reservation the pool hands back after another tenant
// filled it with its function references too.
func TestNullTableCommitsNothing(t *testing.T) {
	obj := compileFile(t, "testdata/nulltable.wasm", object.BoundsExplicit)
	const size = 10_000_000
	// The second store must get back the reservation the first gave
	// back, which the pool frees instead when earlier tests filled it.
	emptyMemPool()
	var firstBase uintptr
	for _, tc := range []struct {
		name string
		fill bool // fill the table with non-null references before closing
	}{{"fresh reservation", true}, {"reservation a filled table gave back", false}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			inst := instantiateObject(t, s, obj, nil)
			tb := inst.tables[0]
			if tb.res == nil {
				t.Fatal("a table of 10 million elements lives in the arena, not a reservation of its own")
			}
			base := loadPtr(tb.desc + abi.TableDescElems)
			if firstBase == 0 {
				firstBase = base
			} else if base != firstBase {
				t.Fatalf("elements at %#x, not in the reservation the first store gave back (%#x)", base, firstBase)
			}
			if n := residentPages(t, base, size*8); n > 16 {
				t.Errorf("%d pages of null elements resident after instantiation, want at most 16", n)
			}
			if r, err := inst.Func("grow").Call(100_000); err != nil || r[0] != size {
				t.Fatalf("grow(100000) = %v, %v; want %d", r, err, size)
			}
			if n := residentPages(t, base, (size+100_000)*8); n > 16 {
				t.Errorf("%d pages resident after growing by 100,000 nulls, want at most 16", n)
			}
			for _, i := range []uint64{0, 1, 511, 512, 4_999_999, size - 1, size, size + 99_999} {
				if r, err := inst.Func("isnull").Call(i); err != nil || r[0] != 1 {
					t.Errorf("isnull(%d) = %v, %v; want 1", i, r, err)
				}
			}
			if tc.fill {
				if _, err := inst.Func("fill").Call(); err != nil {
					t.Fatal(err)
				}
				for _, i := range []uint64{0, size + 99_999} {
					if r, err := inst.Func("isnull").Call(i); err != nil || r[0] != 0 {
						t.Fatalf("after fill, isnull(%d) = %v, %v; want 0", i, r, err)
					}
				}
			}
		})
	}
}

// residentPages counts the pages of [a, a+n) in memory.
func residentPages(t *testing.T, a uintptr, n int) int {
	t.Helper()
	pages := (n + int(pageSize) - 1) / int(pageSize)
	vec := make([]byte, pages)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, a, uintptr(pages)*pageSize, uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	c := 0
	for _, v := range vec {
		c += int(v & 1)
	}
	return c
}

// emptyMemPool frees the pooled reservations, so that the next one given
// back is pooled, not freed because earlier tests left the pool full.
func emptyMemPool() {
	memPool.mu.Lock()
	defer memPool.mu.Unlock()
	for size, l := range memPool.free {
		for _, p := range l {
			p.r.free()
			memPool.n--
			if p.resident > 0 {
				memPool.warm--
				memPool.warmBytes -= p.resident
			}
		}
		delete(memPool.free, size)
	}
}
