package fresh

import "testing"

type withPointers struct {
	p *int
	s []byte
	n int64
}

func TestMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20} {
		ints := Make[int32](n)
		ptrs := Make[withPointers](n)
		empty := Make[struct{}](n)
		if len(ints) != n || len(ptrs) != n || len(empty) != n {
			t.Fatalf("Make(%d): lengths %d, %d, %d", n, len(ints), len(ptrs), len(empty))
		}
		for i := range n {
			if ints[i] != 0 || ptrs[i].p != nil || ptrs[i].s != nil || ptrs[i].n != 0 {
				t.Fatalf("Make(%d): element %d not zero", n, i)
			}
		}
	}
}

func TestTouchWholeCapacity(t *testing.T) {
	tests := []struct{ len, cap int }{{0, 0}, {0, 10}, {3, 10}, {10, 10}}
	for _, tc := range tests {
		s := make([]int64, tc.len, tc.cap)
		Touch(s)
		if len(s) != tc.len || cap(s) != tc.cap {
			t.Errorf("Touch changed the slice header: len %d cap %d, want %d %d", len(s), cap(s), tc.len, tc.cap)
		}
		for i, v := range s[:cap(s)] {
			if v != 0 {
				t.Errorf("len %d cap %d: element %d is %d after Touch", tc.len, tc.cap, i, v)
			}
		}
	}
}

// Huge is a hint: whatever the size and alignment, the bytes stay as they
// were and writable.
func TestHuge(t *testing.T) {
	for _, tt := range []struct {
		name     string
		off, len int
	}{
		{"empty", 0, 0},
		{"one byte", 1, 1},
		{"under a huge page", 3, hugePage - 1},
		{"one huge page, unaligned", 4097, hugePage + 1},
		{"several huge pages, odd start", 13, 3*hugePage + 7},
	} {
		buf := make([]byte, tt.off+tt.len)
		b := buf[tt.off:]
		for i := 0; i < len(b); i += 4096 {
			b[i] = byte(i>>12) | 1
		}
		Huge(b)
		for i := 0; i < len(b); i += 4096 {
			if b[i] != byte(i>>12)|1 {
				t.Fatalf("%s: byte %d changed to %d", tt.name, i, b[i])
			}
			b[i] = 0
		}
		if tt.off > 0 && buf[tt.off-1] != 0 {
			t.Errorf("%s: byte before the slice changed", tt.name)
		}
	}
}
