package execute_test

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/execute"
)

// A store reset for the next tenant starts it from the module's image:
// nothing the last tenant wrote survives, and
// instantiating in a reset store allocates nothing on the Go heap.
func TestStoreReset(t *testing.T) {
	for _, bc := range layouts {
		t.Run(bc.name, func(t *testing.T) {
			mod := helloModule(t, bc.bounds)
			st, err := execute.NewStore(execute.Config{Layout: bc.layout})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			imports := command.SharedImports()
			inst, err := st.Instantiate(mod, imports)
			if err != nil {
				t.Fatal(err)
			}
			image := bytes.Clone(inst.Memory().Bytes()[:8192])
			mem := inst.Memory().Bytes()
			copy(mem[1024:], "secret")
			copy(mem[len(mem)-6:], "secret")
			if err := st.Reset(); err != nil {
				t.Fatal(err)
			}
			inst, err = st.Instantiate(mod, imports)
			if err != nil {
				t.Fatal(err)
			}
			mem = inst.Memory().Bytes()
			if !bytes.Equal(mem[:8192], image) || bytes.Contains(mem, []byte("secret")) {
				t.Error("the next tenant sees the last one's bytes")
			}
			// The entry point's handle too: the store keeps the Funcs it
			// made for the last tenant.
			n := testing.AllocsPerRun(100, func() {
				if err := st.Reset(); err != nil {
					t.Fatal(err)
				}
				inst, err := st.Instantiate(mod, imports)
				if err != nil {
					t.Fatal(err)
				}
				if inst.Func("_start") == nil {
					t.Fatal("no _start")
				}
			})
			if n != 0 {
				t.Errorf("%v allocations per reset and instantiation", n)
			}
			st.Close()
			if err := st.Reset(); err == nil {
				t.Error("reset of a closed store")
			}
		})
	}
}
