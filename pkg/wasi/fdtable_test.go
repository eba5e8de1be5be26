package wasi

import "testing"

// The table behaves as the map it replaces, on both sides of fdInline.
func TestFDTable(t *testing.T) {
	var tab fdTable
	ref := map[uint32]*fdEntry{}
	ops := []struct {
		set bool
		fd  uint32
	}{
		{true, 0}, {true, 1}, {true, 7}, {true, 8}, {true, 100}, {true, 1},
		{false, 7}, {false, 7}, {false, 100}, {false, 50}, {true, 100}, {true, 3},
	}
	for i, op := range ops {
		if op.set {
			e := &fdEntry{fd: i}
			tab.set(op.fd, e)
			ref[op.fd] = e
		} else {
			tab.del(op.fd)
			delete(ref, op.fd)
		}
		if tab.len() != len(ref) {
			t.Fatalf("op %d: len %d, want %d", i, tab.len(), len(ref))
		}
		for _, fd := range []uint32{0, 1, 3, 7, 8, 50, 100} {
			got, ok := tab.get(fd)
			want, wok := ref[fd]
			if got != want || ok != wok {
				t.Fatalf("op %d: get(%d) = %v %v, want %v %v", i, fd, got, ok, want, wok)
			}
		}
		seen := 0
		for fd, e := range tab.all() {
			if ref[fd] != e {
				t.Fatalf("op %d: all yields %d -> %v, want %v", i, fd, e, ref[fd])
			}
			seen++
		}
		if seen != len(ref) {
			t.Fatalf("op %d: all yields %d entries, want %d", i, seen, len(ref))
		}
	}
	tab.reset()
	if _, ok := tab.get(1); ok || tab.len() != 0 {
		t.Fatalf("after reset: len %d", tab.len())
	}
	if _, ok := tab.get(100); ok {
		t.Fatal("after reset: fd 100 still there")
	}
}
