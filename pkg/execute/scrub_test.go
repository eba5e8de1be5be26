package execute

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/load"
)

// scrub leaves every byte zero, in place or through the kernel.
func TestScrub(t *testing.T) {
	for _, pages := range []int{1, 16, int(2 * scrubLimit / pageSize)} {
		b, err := unix.Mmap(-1, 0, pages*int(pageSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p < pages; p += 3 {
			b[p*int(pageSize)+7] = 0xaa
			b[(p+1)*int(pageSize)-1] = 0x55
		}
		if err := scrub(b); err != nil {
			t.Fatal(err)
		}
		for i, v := range b {
			if v != 0 {
				t.Fatalf("%d pages: byte %#x is %#x after scrub", pages, i, v)
			}
		}
		unix.Munmap(b)
	}
}

// A secret one tenant leaves in its memory, its table and on the guest
// stack (deep enough that the stack had to grow) is nowhere in the same
// slots when the next tenant gets them.
func TestSlotResetSecret(t *testing.T) {
	secret := []byte("tenant-one-secret-4f1c9a")
	lm, err := load.FromObject(guardObject(t))
	if err != nil {
		t.Fatal(err)
	}
	defer lm.Close()
	s1, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := s1.Instantiate(lm, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem := inst.Memory()
	if _, ok := mem.Grow(3); !ok {
		t.Fatal("grow failed")
	}
	base := mem.res.addr()
	for off := 0; off+len(secret) <= len(mem.Bytes()); off += 4096 + 111 {
		copy(mem.Bytes()[off:], secret)
	}
	// The guest recursing into the guard page grows the stack to its
	// bottom; then the tenant's bytes go over all of it.
	if _, err := inst.Func("recurse").Call(); !IsTrap(err, 9) {
		t.Fatalf("recurse = %v", err)
	}
	st, err := getStack(uintptr(s1.cfg.StackSize), s1.id)
	if err != nil {
		t.Fatal(err)
	}
	if st.low != st.r.addr()+pageSize {
		t.Fatalf("stack accessible from %#x, want it grown to the guard page at %#x", st.low, st.r.addr()+pageSize)
	}
	stack := bytesAt(st.low, int(st.top()-st.low))
	for off := 0; off+len(secret) <= len(stack); off += 4096 + 37 {
		copy(stack[off:], secret)
	}
	putStack(st)
	s1.Close()

	s2, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	inst2, err := s2.Instantiate(lm, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem2 := inst2.Memory()
	if mem2.res.addr() != base {
		t.Skip("the pool handed out another memory (a parallel test took it); nothing to check")
	}
	if _, ok := mem2.Grow(3); !ok {
		t.Fatal("grow failed")
	}
	if i := bytes.Index(mem2.Bytes(), secret); i >= 0 {
		t.Fatalf("the last tenant's secret is at %#x of the new tenant's memory", i)
	}
	st2, err := getStack(uintptr(s2.cfg.StackSize), s2.id)
	if err != nil {
		t.Fatal(err)
	}
	defer putStack(st2)
	if st2 != st {
		t.Skip("the pool handed out another stack (a parallel test took it); nothing to check")
	}
	if i := bytes.Index(bytesAt(st2.low, int(st2.top()-st2.low)), secret); i >= 0 {
		t.Fatalf("the last tenant's secret is at %#x of the new tenant's stack", i)
	}
	// What lies below the window again is inaccessible: made accessible
	// by a later fault it reads zeros (MADV_DONTNEED before PROT_NONE).
	if st2.low != st2.window() {
		t.Errorf("stack accessible from %#x after reset, want %#x", st2.low, st2.window())
	}
}
