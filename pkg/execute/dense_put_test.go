package execute

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestDensePutKeepsWhatIsResident gives dense slots back in the states a
// tenant leaves them in and checks where each goes (warm or cold), what
// the warm list counts, and what stays resident. A slot that nothing
// wrote and that was handed out cold goes back without a zap (closing an
// unrun instance of gobig paid a 4 MiB madvise for it); one handed out
// warm is counted at what its earlier tenant left resident, even when
// this one reached less.
func TestDensePutKeepsWhatIsResident(t *testing.T) {
	const page = 64 << 10 // a wasm page
	tests := []struct {
		name      string
		warmFirst uintptr // an earlier tenant wrote this much and was kept warm (0: the slot is fresh)
		hw        uintptr // this tenant's reach
		write     bool    // this tenant wrote its reach (else it is closed unrun)
		wantWarm  bool
		wantN     uintptr // warm: the bytes counted
		wantRes   uintptr // bytes of the slot resident after put
	}{
		{name: "fresh, unrun, past scrubLimit", hw: 46 * page, wantRes: 0},
		{name: "fresh, unrun, small", hw: 2 * page, wantRes: 0},
		{name: "fresh, written, small", hw: 2 * page, write: true, wantWarm: true, wantN: 2 * page, wantRes: 2 * page},
		{name: "fresh, written, past scrubLimit", hw: 46 * page, write: true, wantRes: 0},
		{name: "warm, unrun, reaching less", warmFirst: 4 * page, hw: 1 * page, wantWarm: true, wantN: 4 * page, wantRes: 4 * page},
		{name: "warm, written, reaching less", warmFirst: 4 * page, hw: 1 * page, write: true, wantWarm: true, wantN: 4 * page, wantRes: 4 * page},
		{name: "warm, unrun, past scrubLimit", warmFirst: 4 * page, hw: 46 * page, wantRes: 0},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A slot size of its own (just under 16 MiB, as the
			// default slot): no other test or case shares its pool.
			p := densePoolFor(uintptr(230+i) * page)
			a, res, err := p.get()
			if err != nil {
				t.Fatal(err)
			}
			if res != 0 {
				t.Fatalf("a fresh slot: get says %d bytes resident; want 0", res)
			}
			if tc.warmFirst > 0 {
				fill(a, tc.warmFirst)
				p.put(a, 0, tc.warmFirst, 0)
				var b uintptr
				b, res, err = p.get()
				if err != nil || b != a || res != tc.warmFirst {
					t.Fatalf("get after a warm put = %#x, %d, %v; want %#x, %d", b, res, err, a, tc.warmFirst)
				}
			}
			if tc.write {
				fill(a, tc.hw)
				p.put(a, 0, tc.hw, res)
			} else if res == 0 {
				// What Store.release does for a memory closed unrun.
				// A byte planted beyond the reach shows no zap ran.
				bytesAt(a+p.size-1, 1)[0] = 1
				p.putUntouched(a)
				if got := bytesAt(a+p.size-1, 1)[0]; got != 1 {
					t.Errorf("putUntouched zapped the slot (the planted byte reads %d)", got)
				}
				if err := unix.Madvise(bytesAt(a, int(p.size)), unix.MADV_DONTNEED); err != nil {
					t.Fatal(err)
				}
			} else {
				p.put(a, tc.hw, tc.hw, res)
			}
			p.mu.Lock()
			warm, cold, warmBytes := append([]warmSlot(nil), p.warm...), append([]uintptr(nil), p.cold...), p.warmBytes
			p.mu.Unlock()
			if tc.wantWarm {
				if len(warm) != 1 || warm[0] != (warmSlot{a, tc.wantN}) || warmBytes != tc.wantN || len(cold) != 0 {
					t.Errorf("warm %v (%d bytes), cold %v; want warm [{%#x %d}]", warm, warmBytes, cold, a, tc.wantN)
				}
			} else if len(cold) != 1 || cold[0] != a || len(warm) != 0 || warmBytes != 0 {
				t.Errorf("warm %v (%d bytes), cold %v; want cold [%#x]", warm, warmBytes, cold, a)
			}
			if got := residentBytes(t, a, p.size); got != tc.wantRes {
				t.Errorf("%d bytes resident after put; want %d", got, tc.wantRes)
			}
			// Past this, nothing wrote the slot (and reading it would
			// map the zero page over all 15 MiB).
			for off, b := range bytesAt(a, int(max(tc.hw, tc.warmFirst))) {
				if b != 0 {
					t.Fatalf("byte %#x of the slot reads %d after put; want 0", off, b)
				}
			}
		})
	}
}

// fill writes every byte of [a, a+n).
func fill(a, n uintptr) {
	b := bytesAt(a, int(n))
	for i := range b {
		b[i] = 0xa5
	}
}
