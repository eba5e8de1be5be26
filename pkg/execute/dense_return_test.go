package execute

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/pkg/load"
	"golang.org/x/sys/unix"
)

// residentBytes counts the resident bytes of [a, a+n) with mincore.
func residentBytes(t *testing.T, a, n uintptr) uintptr {
	return uintptr(residentPages(t, a, int(n))) * pageSize
}

// openTouched fills stores with instances of mod, each writing a byte at
// every stride bytes of its memory, and returns the memories' bases; the
// test's end closes the stores still open.
func openTouched(t *testing.T, stores []*Store, cfg Config, mod *load.Module, stride int) []uintptr {
	t.Helper()
	t.Cleanup(func() {
		for _, s := range stores {
			if s != nil {
				s.Close()
			}
		}
	})
	bases := make([]uintptr, len(stores))
	for i := range stores {
		s, err := NewStore(cfg)
		if err != nil {
			t.Fatal(err)
		}
		stores[i] = s
		inst, err := s.Instantiate(mod, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := inst.Memory().Bytes()
		for off := 0; off < len(b); off += stride {
			b[off] = 1
		}
		bases[i] = uintptr(unsafe.Pointer(&b[0]))
	}
	return bases
}

// vmPTE is the process's page tables in bytes (VmPTE of /proc/self/status).
func vmPTE(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmPTE:" && f[2] == "kB" {
			k, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return k << 10
		}
	}
	t.Fatal("no VmPTE in /proc/self/status")
	return 0
}

// ptReclaim reports whether the kernel frees a page-table page that
// MADV_DONTNEED over pmdSize leaves empty (CONFIG_PT_RECLAIM); older
// kernels keep it until the mapping goes.
func ptReclaim(t *testing.T) bool {
	const n = 64 // slots of 4 MiB: a page-table page each
	r, err := reserve(n*2*pmdSize, unix.PROT_READ|unix.PROT_WRITE)
	if err != nil {
		t.Fatal(err)
	}
	defer r.free()
	base := roundUp(r.addr(), pmdSize) - r.addr()
	p0 := vmPTE(t)
	for i := range n - 1 {
		r.mem[base+uintptr(i)*2*pmdSize] = 1
	}
	p1 := vmPTE(t)
	for i := range n - 1 {
		off := base + uintptr(i)*2*pmdSize
		unix.Madvise(r.mem[off:off+pmdSize], unix.MADV_DONTNEED)
	}
	p2 := vmPTE(t)
	return p1-p0 >= (n-1)*4096*3/4 && p2-p0 < (n-1)*4096/4
}

// A burst of dense instances gives its memory back when it is closed: the
// slots keep at most the warm set resident (warmBytes, or minWarm slots),
// and, where the kernel frees empty page tables, the page-table page each
// tenant's touch made goes too. Before, 64 slots stayed warm whatever
// their size, and cold slots were zapped over the tenant's reach only,
// too short a range for the kernel to free its page table: 100,000 closed
// instances of a C hello world that had each run kept 407 MiB of page
// tables.
func TestDenseBurstComesBack(t *testing.T) {
	n := 3000
	if testing.Short() || raceEnabled {
		n = 500
	}
	const pages = 2
	w := trapsWasm()
	w.Mems[0].Limits = lim(pages, pages, true)
	mod := loadWasm(t, w)
	// A slot size of its own (255 pages, just under 16 MiB, the default
	// slot): no other test shares its pool.
	cfg := Config{Layout: LayoutDense, MaxMemoryPages: 255, StackSize: 16 << 10}
	pool := densePoolFor(255 << 16)
	reclaim := ptReclaim(t)

	pte0 := vmPTE(t)
	stores := make([]*Store, n)
	// A page of each 64 KiB page: the tenant's reach is 128 KiB.
	openTouched(t, stores, cfg, mod, 64<<10)
	pte1 := vmPTE(t)
	for i, s := range stores {
		s.Close()
		stores[i] = nil
	}
	pte2 := vmPTE(t)

	resident := uintptr(0)
	pool.mu.Lock()
	for _, r := range pool.maps {
		resident += residentBytes(t, r.addr(), uintptr(len(r.mem)))
	}
	warm, wb := len(pool.warm), pool.warmBytes
	pool.mu.Unlock()
	hw := uintptr(pages) << 16
	if want := max(uintptr(warmBytes), minWarm*hw); resident > want || wb > want {
		t.Errorf("%d closed instances left %d KiB resident in their slots (%d warm slots, %d KiB counted); want at most %d KiB",
			n, resident>>10, warm, wb>>10, want>>10)
	}
	if warm < minWarm {
		t.Errorf("%d warm slots kept, want at least %d", warm, minWarm)
	}
	t.Logf("%d instances: page tables +%d KiB live, +%d KiB after close; %d KiB resident in %d warm slots",
		n, (pte1-pte0)>>10, (pte2-pte0)>>10, resident>>10, warm)

	t.Run("page tables", func(t *testing.T) {
		if !reclaim {
			t.Skip("this kernel keeps empty page-table pages after MADV_DONTNEED (no CONFIG_PT_RECLAIM): nothing to give back")
		}
		// Each live tenant had a page-table page of its own (a slot
		// spans 8 of them); after close only the warm slots' and a
		// margin for the rest of the process may remain.
		if live := pte1 - pte0; live < int64(n)*4096*3/4 {
			t.Fatalf("%d live tenants added only %d KiB of page tables; the test measures nothing", n, live>>10)
		}
		if after := pte2 - pte0; after > int64(n)*4096/8 {
			t.Errorf("%d closed tenants left %d KiB of page tables, want under %d KiB", n, after>>10, n*4096/8>>10)
		}
	})
}

// So does a burst of guard-layout instances: the pooled reservations keep
// at most the warm set resident (warmBytes, or minWarm of them); the rest
// of the pool's room holds reservations whose pages went back to the
// kernel. Before, every pooled reservation (up to maxPooledMems, 64) kept
// its committed pages cleared and resident.
func TestPooledMemsComeBack(t *testing.T) {
	const n, pages = 200, 2
	w := trapsWasm()
	w.Mems[0].Limits = lim(pages, pages, true)
	mod := loadWasm(t, w)
	stores := make([]*Store, n)
	// Every page: the tenant's reach, 128 KiB, is resident.
	mine := map[uintptr]bool{}
	for _, a := range openTouched(t, stores, Config{StackSize: 16 << 10}, mod, 4096) {
		mine[a] = true
	}
	for i, s := range stores {
		s.Close()
		stores[i] = nil
	}
	resident, pooled := uintptr(0), 0
	memPool.mu.Lock()
	for _, l := range memPool.free {
		for _, p := range l {
			if mine[p.r.addr()] {
				pooled++
				resident += residentBytes(t, p.r.addr(), p.committed)
			}
		}
	}
	warm, wb := memPool.warm, memPool.warmBytes
	memPool.mu.Unlock()
	if pooled == 0 {
		t.Fatal("none of the closed instances' reservations was pooled; nothing checked")
	}
	if want := max(uintptr(warmBytes), minWarm*uintptr(pages)<<16); resident > want {
		t.Errorf("%d of %d closed instances' reservations pooled, %d KiB resident; want at most %d KiB (pool: %d warm, %d KiB counted)",
			pooled, n, resident>>10, want>>10, warm, wb>>10)
	}
	t.Logf("%d reservations pooled, %d KiB resident; pool: %d warm, %d KiB counted", pooled, resident>>10, warm, wb>>10)
}
