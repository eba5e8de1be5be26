package execute

import "testing"

// Chunks handed out again read zero, whether they were cleared in place
// or their page went back to the kernel (past warmChunks free chunks).
func TestArenaChunksComeBackZero(t *testing.T) {
	const n = 3 * warmChunks
	fill := func() []*arena {
		as := make([]*arena, n)
		for i := range as {
			as[i] = new(arena)
			a, err := as[i].alloc(1000)
			if err != nil {
				t.Fatal(err)
			}
			b := bytesAt(a, 1000)
			for j := range b {
				if b[j] != 0 {
					t.Fatalf("arena %d: byte %d of a new block is %#x", i, j, b[j])
				}
				b[j] = 0xff
			}
		}
		return as
	}
	for round := 0; round < 2; round++ {
		for _, a := range fill() {
			a.free()
		}
	}
}

// A slab's zero value is ready (slabs is zero-initialised, in .bss), and
// it counts the chunks in use in each page, the mapping's first chunk
// included (get stores its count rather than incrementing it): the counts
// go back to zero when every chunk is put back.
func TestSlabPageCounts(t *testing.T) {
	const size = 1 << 10 // four chunks a page
	var s slab
	defer func() {
		for _, r := range s.maps {
			r.free()
		}
	}()
	var got []uintptr
	for range 6 {
		a, err := s.get(size)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if len(s.maps) != 1 || got[0] != s.maps[0].addr() {
		t.Fatalf("first chunk %#x, want the start of the slab's one mapping", got[0])
	}
	if c0, c1 := *s.page(got[0]), *s.page(got[4]); c0 != 4 || c1 != 2 {
		t.Errorf("in use: %d chunks in the first page, %d in the second; want 4 and 2", c0, c1)
	}
	for _, a := range got {
		s.put(size, a, size)
	}
	if c0, c1 := *s.page(got[0]), *s.page(got[4]); c0 != 0 || c1 != 0 {
		t.Errorf("all put back: counts %d and %d, want 0", c0, c1)
	}
	if a, err := s.get(size); err != nil || *s.page(a) != 1 {
		t.Errorf("get after put: %#x, %v, count %d; want a chunk counted once", a, err, *s.page(a))
	}
}
