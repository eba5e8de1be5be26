package execute

import (
	"bytes"
	"testing"
	"unsafe"
)

// A dense slot handed to a new tenant holds nothing of the last one's
// memory, whether it was cleared in place (a warm slot) or handed back to
// the kernel (a cold one, past scrubLimit). Each case uses a slot size of
// its own, so its pool is not shared with parallel tests.
func TestDenseSlotIsClean(t *testing.T) {
	secret := []byte("dense-tenant-secret-7d21e0")
	for _, tc := range []struct {
		name  string
		slot  uint32 // pages: the store's MaxMemoryPages, the slot size
		pages uint32 // the tenant's memory after growing
	}{
		{"warm", 5, 4},
		{"cold", 41, 40}, // 2.5 MiB > scrubLimit
	} {
		t.Run(tc.name, func(t *testing.T) {
			if uintptr(tc.pages)<<16 <= scrubLimit == (tc.name == "cold") {
				t.Fatalf("%d pages do not make a %s slot", tc.pages, tc.name)
			}
			w := trapsWasm()
			w.Mems[0].Limits = lim(1, uint64(tc.pages), true)
			mod := loadWasm(t, w)
			cfg := Config{Layout: LayoutDense, MaxMemoryPages: tc.slot, StackSize: 16 << 10}
			tenant := func() (*Store, *Memory) {
				t.Helper()
				s, err := NewStore(cfg)
				if err != nil {
					t.Fatal(err)
				}
				inst, err := s.Instantiate(mod, nil)
				if err != nil {
					s.Close()
					t.Fatal(err)
				}
				mem := inst.Memory()
				if _, ok := mem.Grow(tc.pages - 1); !ok {
					s.Close()
					t.Fatal("grow failed")
				}
				return s, mem
			}
			s1, mem := tenant()
			b := mem.Bytes()
			base := uintptr(unsafe.Pointer(&b[0]))
			for off := 0; off+len(secret) <= len(b); off += 4096 + 73 {
				copy(b[off:], secret)
			}
			copy(b[len(b)-len(secret):], secret) // the last bytes it could reach
			s1.Close()

			s2, mem2 := tenant()
			defer s2.Close()
			b2 := mem2.Bytes()
			if got := uintptr(unsafe.Pointer(&b2[0])); got != base {
				t.Fatalf("the next tenant got slot %#x, not the freed %#x; nothing checked", got, base)
			}
			if i := bytes.Index(b2, secret); i >= 0 {
				t.Fatalf("the last tenant's secret is at %#x of the new tenant's memory", i)
			}
			for i, v := range b2 {
				if v != 0 {
					t.Fatalf("byte %#x of the new tenant's memory is %#x, not zero: %q", i, v, b2[i:min(i+16, len(b2))])
				}
			}
		})
	}
}
