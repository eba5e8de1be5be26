package execute

import (
	"bufio"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// execBytes is the size of the process's anonymous executable mappings
// (code mapped for guests), from /proc/self/maps. Sizes rather than a
// count of lines: adjacent mappings of one kind show as one line.
func execBytes(t *testing.T) uintptr {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps to count code mappings in: %v", err)
	}
	defer f.Close()
	var n uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 || !strings.HasPrefix(fs[1], "r-x") {
			continue // a file's text (the test binary, the vDSO) has a path
		}
		lo, hi, _ := strings.Cut(fs[0], "-")
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil {
			n += uintptr(h - l)
		}
	}
	return n
}

// An InstantiateObject that fails before the store keeps the module (an
// unknown import, an import of the wrong type, a closed store) unmaps the
// code it mapped: 64 failures leave no executable mapping behind. Before,
// each left its page mapped until the process ended.
func TestInstantiateObjectFailureFreesCode(t *testing.T) {
	obj := compileFile(t, "testdata/nested.wasm", object.BoundsExplicit)
	_, donor := preemptInstance(t, Config{}) // a guest function: the wrong type for t.host
	for _, tc := range []struct {
		name    string
		imports Imports
		closed  bool
	}{
		{name: "unknown import"},
		{name: "incompatible import", imports: ImportMap{"t": {"host": donor.Func("regs")}}},
		{name: "closed store", imports: ImportMap{"t": {"host": NewHostFunc(wasm.FuncType{}, func(*Caller, []uint64) error { return nil })}}, closed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if tc.closed {
				s.Close()
			}
			before := execBytes(t)
			for range 64 {
				if _, err := s.InstantiateObject(obj, tc.imports); err == nil {
					t.Fatal("instantiated; want an error")
				}
			}
			if after := execBytes(t); after > before {
				t.Errorf("64 failed instantiations left %d bytes of code mapped", after-before)
			}
		})
	}
}

// A loaded module that is never closed has its code unmapped once it is
// unreachable (load's cleanup); its registration with the signal handler
// goes with it. Kept, the handler took whatever was mapped there next for
// this module's code: a new module's code overlapping it was merged with
// it into a range where no preemption is injected, and a loop in it
// could not be stopped.
func TestUnclosedModuleUnregistersCode(t *testing.T) {
	s, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	rng := func() [2]uintptr {
		m, err := load.FromObject(guardObject(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Instantiate(m, nil); err != nil {
			t.Fatal(err)
		}
		return [2]uintptr{m.CodeAddr(0), m.CodeAddr(0) + uintptr(len(m.Code))}
	}()
	registered := func() bool {
		return slices.Contains(codeRanges(), rng)
	}
	if !registered() {
		t.Fatalf("code %x not registered while a store runs it", rng)
	}
	s.Close() // the store let go of the module; nothing closes it
	s = nil
	for i := 0; i < 100 && registered(); i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if registered() {
		t.Errorf("code %x of a collected module still registered after 100 collections (stale ranges: %x)", rng, staleCodeRanges())
	}
}
