package execute

import (
	"os"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/load"
)

// Stores alive at once in the dense layout, under the default
// vm.max_map_count, each still faulting alone: 20,000 in make test (a few
// seconds), 100,000 with LUCET_SCALE=full (about 17 s on the 2-core
// development machine: 0.0001 mappings and 88 KiB of address space per
// store).
func TestDenseLayout(t *testing.T) {
	n := 20000
	if os.Getenv("LUCET_SCALE") == "full" {
		n = 100000
	}
	if raceEnabled || testing.Short() {
		n = 2000
	}
	guard, err := load.FromObject(trapsModule(t))
	if err != nil {
		t.Fatal(err)
	}
	defer guard.Close()
	// The same module with explicit bounds checks.
	mod := loadWasm(t, trapsWasm())

	cfg := Config{Layout: LayoutDense, MaxMemoryPages: 1, StackSize: 8 << 10}
	s, err := NewStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Instantiate(guard, nil); err == nil || !strings.Contains(err.Error(), "explicit bounds checks") {
		t.Errorf("guard-mode object in a dense store: %v, want a refusal naming explicit bounds checks", err)
	}
	s.Close()

	st0 := ReadStats()
	stores := make([]*Store, n)
	insts := make([]*Instance, n)
	defer func() {
		for _, s := range stores {
			if s != nil {
				s.Close()
			}
		}
	}()
	for i := range stores {
		s, err := NewStore(cfg)
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		stores[i] = s
		if insts[i], err = s.Instantiate(mod, nil); err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
	}
	st1 := ReadStats()
	t.Logf("%d dense stores: %.4f mappings and %.1f KiB reserved each", n,
		float64(st1.Mappings-st0.Mappings)/float64(n), float64(st1.Reserved-st0.Reserved)/1024/float64(n))
	if d := st1.Mappings - st0.Mappings; d > n/100+100 {
		t.Errorf("%d stores added %d mappings", n, d)
	}
	for i := 0; i < n; i += 97 {
		if _, err := insts[i].Func("oob").Call(); !IsTrap(err, abi.TrapMemoryOutOfBounds) {
			t.Fatalf("store %d: oob() = %v", i, err)
		}
		if _, err := insts[i].Func("recurse").Call(); !IsTrap(err, abi.TrapStackOverflow) {
			t.Fatalf("store %d: recurse() = %v", i, err)
		}
	}
	for i, inst := range insts {
		if res, err := inst.Func("ok").Call(); err != nil || res[0] != 42 {
			t.Fatalf("store %d: ok() = %v, %v", i, res, err)
		}
	}
}

// Per-store limits are clear errors at instantiation (or a failed grow),
// never a crash: memory pages, table elements, and the dense slot size.
func TestStoreLimits(t *testing.T) {
	mod, err := load.FromObject(trapsModule(t)) // 1-page memory, 1-element table
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()
	// The same with a 3-element table and a 3-page memory.
	wasmMod := trapsWasm()
	wasmMod.Tables[0].Limits = lim(3, 3, true)
	wasmMod.Mems[0].Limits = lim(3, 3, true)
	bmod := loadWasm(t, wasmMod)
	for _, tt := range []struct {
		name string
		cfg  Config
		mod  *load.Module
		want string
	}{
		{"memory pages", Config{MaxMemoryPages: 2}, bmod, "exceeds the limit of 2 pages"},
		{"table elements", Config{MaxTableElements: 2}, bmod, "exceeds the limit of 2"},
		{"dense slot", Config{Layout: LayoutDense, MaxMemoryPages: 2}, bmod, "exceeds the limit of 2 pages"},
		{"dense fits", Config{Layout: LayoutDense, MaxMemoryPages: 3}, bmod, ""},
		{"guard object in dense", Config{Layout: LayoutDense}, mod, "explicit bounds checks"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewStore(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.Instantiate(tt.mod, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Instantiate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
