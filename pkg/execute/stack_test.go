package execute

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A guest frame of any size below the initial window, then a host call
// that calls back into the guest: the stack grows under the guest (signal
// handler) and under Go's nested call (ensureStack) at every offset around
// the growth granularity.
func TestStackGrowsForNestedCalls(t *testing.T) {
	m := newTestModule([]wasm.FuncType{tI64}, []wasm.Import{{Module: "env", Name: "host", Kind: wasm.ExternFunc, Type: 0}})
	m.fn("add1", 0, func(a *asm.Assembler) { // func 1
		a.MovRM(64, asm.RAX, asm.M(asm.RDI, 0))
		a.AddRI(64, asm.RAX, 1)
		a.MovMR(64, asm.M(asm.RDI, 0), asm.RAX)
		a.Ret()
	})
	var sizes []int32
	for x := int32(stackWindow - 512); x <= stackWindow+stackGrow+512; x += 40 {
		sizes = append(sizes, x)
		m.fn(fmt.Sprintf("deep%d", x), 0, func(a *asm.Assembler) {
			a.Push(asm.RBP)
			a.MovRR(64, asm.RBP, asm.RSP)
			a.Push(asm.RDI)
			a.SubRI(64, asm.RSP, x)
			a.MovRR(64, asm.RSI, asm.RDI)
			m.call(0)
			a.MovRR(64, asm.RSP, asm.RBP)
			a.Pop(asm.RBP)
			a.Ret()
		})
	}
	obj := m.finish(t)
	host := NewHostFunc(tI64, func(c *Caller, stack []uint64) error {
		res, err := c.Instance().Func("add1").Call(stack[0])
		if err != nil {
			return err
		}
		stack[0] = res[0] + 1
		return nil
	})
	for _, x := range sizes {
		s, err := NewStore(Config{})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := s.InstantiateObject(obj, ImportMap{"env": {"host": host}})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := inst.Func(fmt.Sprintf("deep%d", x)).Call(40); err != nil || res[0] != 42 {
			t.Fatalf("frame of %d bytes: %v, %v", x, res, err)
		}
		s.Close()
	}
}
