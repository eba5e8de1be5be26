package execute

import (
	"testing"

	"golang.org/x/sys/unix"
)

// scrub leaves every byte zero, clearing resident pages in place without
// faulting in the others, and falls back to madvise when too much is
// resident.
func TestScrub(t *testing.T) {
	for _, tt := range []struct {
		name    string
		pages   int
		touched []int // pages written before the scrub
	}{
		{"nothing touched", 16, nil},
		{"a few pages", 64, []int{0, 1, 17, 63}},
		{"more than the limit", int(2 * scrubLimit / pageSize), nil}, // every page touched
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := unix.Mmap(-1, 0, tt.pages*int(pageSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Munmap(b)
			touched := tt.touched
			if tt.name == "more than the limit" {
				for i := 0; i < tt.pages; i++ {
					touched = append(touched, i)
				}
			}
			for _, p := range touched {
				b[p*int(pageSize)+7] = 0xaa
				b[(p+1)*int(pageSize)-1] = 0x55
			}
			if err := scrub(b); err != nil {
				t.Fatal(err)
			}
			vec := make([]byte, tt.pages)
			if err := mincore(b, vec); err != nil {
				t.Fatal(err)
			}
			resident := 0
			for _, v := range vec {
				resident += int(v & 1)
			}
			if tt.name != "more than the limit" && resident != len(touched) {
				t.Errorf("%d pages resident after scrub, want the %d touched", resident, len(touched))
			}
			for i, v := range b {
				if v != 0 {
					t.Fatalf("byte %#x is %#x after scrub", i, v)
				}
			}
		})
	}
}
