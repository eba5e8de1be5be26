package execute

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// hostTaken is what hostArena has taken from its chunks.
func hostTaken() uintptr {
	hostArena.mu.Lock()
	defer hostArena.mu.Unlock()
	return hostArena.taken
}

// Host tables and globals made and closed per request leave the memory
// flat: hostArena never freed, and each NewTable of up to 512 elements
// kept up to 4 KiB (100,000 of them: 400 MB), each NewGlobal 16 bytes.
func TestHostExternsFreed(t *testing.T) {
	before := hostTaken()
	for i := range 100_000 {
		tb, err := NewTable(wasm.TableType{Elem: wasm.ExternRef, Limits: lim(512, 512, true)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !tb.Set(511, uint64(i)) {
			t.Fatal("Set(511) failed")
		}
		g := NewGlobal(wasm.GlobalType{Type: wasm.I64, Mutable: true}, uint64(i))
		if g.Get() != uint64(i) {
			t.Fatalf("a reused cell reads %d, want %d", g.Get(), i)
		}
		if v, _ := tb.Get(0); v != 0 {
			t.Fatalf("a reused table's element 0 is %#x, want 0 (cleared)", v)
		}
		if err := tb.Close(); err != nil {
			t.Fatal(err)
		}
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if grew := hostTaken() - before; grew > 64<<10 {
		t.Fatalf("100,000 host tables and globals made and closed took %d bytes of hostArena, want at most 64 KiB", grew)
	}
	// Host memories: the descriptor, and the reservation now rather than
	// at the garbage collector's leisure.
	before = hostTaken()
	for range 1000 {
		m := hostMemory(t)
		m.Bytes()[0] = 1
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if grew := hostTaken() - before; grew > 4<<10 {
		t.Fatalf("1,000 host memories made and closed took %d bytes of hostArena, want at most 4 KiB", grew)
	}
}

// Closing a host extern that a store's instance imports fails until that
// store is reset or closed; a closed one cannot be imported, has no
// elements, and its global panics on Get.
func TestHostExternCloseInUse(t *testing.T) {
	mod := loadWasm(t, foreignGrowModule(t))
	mem, tab := hostMemory(t), hostTable(t, 1)
	s := newStore(t, Config{})
	imports := ImportMap{"env": {"m": mem, "t": tab}}
	instantiate(t, s, mod, imports)
	if err := tab.Close(); err == nil || !strings.Contains(err.Error(), "imported by instances") {
		t.Fatalf("Close of an imported table = %v, want an error", err)
	}
	if err := mem.Close(); err == nil || !strings.Contains(err.Error(), "imported by instances") {
		t.Fatalf("Close of an imported memory = %v, want an error", err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := mem.Close(); err != nil {
		t.Fatalf("memory Close after the store's Reset: %v", err)
	}
	if mem.Pages() != 0 || mem.Bytes() != nil {
		t.Fatalf("closed memory: %d pages, %d bytes", mem.Pages(), len(mem.Bytes()))
	}
	if _, ok := mem.Grow(1); ok {
		t.Fatal("closed memory grew")
	}
	fresh := hostMemory(t)
	_, err := s.Instantiate(mod, ImportMap{"env": {"m": mem, "t": hostTable(t, 2)}})
	if err == nil || !strings.Contains(err.Error(), "host memory is closed") {
		t.Fatalf("import of a closed memory = %v", err)
	}
	imports = ImportMap{"env": {"m": fresh, "t": tab}}
	if err := tab.Close(); err != nil {
		t.Fatalf("Close after the store's Reset: %v", err)
	}
	if err := tab.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if tab.Len() != 0 {
		t.Fatalf("closed table Len = %d", tab.Len())
	}
	if _, ok := tab.Grow(1, 0); ok {
		t.Fatal("closed table grew")
	}
	_, err = s.Instantiate(mod, imports)
	if err == nil || !strings.Contains(err.Error(), "host table is closed") {
		t.Fatalf("import of a closed table = %v", err)
	}

	g := NewGlobal(wasm.GlobalType{Type: wasm.I32}, 7)
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("Get of a closed global did not panic")
		}
	}()
	g.Get()
}
