package execute

import (
	"testing"

	"golang.org/x/sys/unix"
)

// A stack changing tenant after a shallow call (two pages written): the
// cost of the reset it then needs.
func BenchmarkStackSwitch(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		st, err := getStack(defaultStackSize, uint64(i+1)<<40)
		if err != nil {
			b.Fatal(err)
		}
		top := len(st.r.mem)
		st.r.mem[top-8] = 1
		st.r.mem[top-4096-8] = 1
		putStack(st)
	}
}

// Resetting a pooled two-page (128 KiB) memory after a tenant wrote one
// 4 KiB page of it: clearing the high-water range in place (scrub's
// choice up to scrubLimit) against handing it to the kernel.
func BenchmarkMemoryReset(b *testing.B) {
	for _, bc := range []struct {
		name  string
		reset func([]byte) error
	}{
		{"clear", func(m []byte) error { clear(m); return nil }},
		{"dontneed", func(m []byte) error { return unix.Madvise(m, unix.MADV_DONTNEED) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := reserve(128<<10, unix.PROT_READ|unix.PROT_WRITE)
			if err != nil {
				b.Fatal(err)
			}
			defer r.free()
			for i := 0; i < b.N; i++ {
				r.mem[4096*(i%32)+1] = 1
				if err := bc.reset(r.mem); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
