package execute

import "testing"

// Chunks handed out again read zero, whether they were cleared in place
// or their pages went back to the kernel (past warmChunks free chunks of
// their class); of the chunks of a page or more that a crowd of arenas
// gives back, at most warmChunks stay resident, and the next arena gets
// one of those.
func TestArenaChunksComeBackZero(t *testing.T) {
	for _, block := range []uintptr{1000, 10000, 100000} {
		class := 0
		for arenaClasses[class] < block {
			class++
		}
		size := arenaClasses[class]
		n := 3 * warmChunks(size)
		fill := func() ([]*arena, []uintptr) {
			as, blocks := make([]*arena, n), make([]uintptr, n)
			for i := range as {
				as[i] = new(arena)
				a, err := as[i].alloc(block)
				if err != nil {
					t.Fatal(err)
				}
				blocks[i] = a // the start of the arena's one chunk
				b := bytesAt(a, int(block))
				for j := range b {
					if b[j] != 0 {
						t.Fatalf("%d-byte blocks: arena %d: byte %d of a new block is %#x", block, i, j, b[j])
					}
					b[j] = 0xff
				}
			}
			return as, blocks
		}
		for round := 0; round < 2; round++ {
			as, blocks := fill()
			for _, a := range as {
				a.free()
			}
			if size < pageSize {
				continue
			}
			resident := 0
			for _, a := range blocks {
				resident += residentPages(t, a, int(size))
			}
			if most := warmChunks(size) * int(size/pageSize); resident > most {
				t.Errorf("%d-byte blocks, round %d: %d pages of %d freed chunks resident, want at most %d", block, round, resident, n, most)
			}
			var next arena
			a, err := next.alloc(block)
			if err != nil {
				t.Fatal(err)
			}
			if r := residentPages(t, a, int(size)); r == 0 {
				t.Errorf("%d-byte blocks, round %d: the next arena's chunk is not resident: a cold chunk handed out before a warm one", block, round)
			}
			next.free()
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
