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
