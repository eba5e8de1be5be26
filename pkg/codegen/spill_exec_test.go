package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/validate"
)

// TestSpillSlotsSurviveVoidOps keeps values in their stack slots across
// operations without a result (calls to a void function and to a host
// import that calls back in, global.set, the entry interrupt check). An
// emitter that stored "the value" of such an operation, whose location is
// the zero Loc, wrote RAX into slot 0 ([rbp-0x10]) after each one: that is
// how __main_void of a wasi-libc command lost its stack pointer to the
// address of the __stack_pointer cell and trapped out of bounds after
// __wasi_args_sizes_get. Generated code alone decides this, so the test
// does not depend on how the runtime lays out stacks and arenas.
func TestSpillSlotsSurviveVoidOps(t *testing.T) {
	// (import "env" "host" (func))
	// (global (mut i32) (i32.const 0))
	// (func $bump (export "bump") global.get 0 i32.const 1 i32.add global.set 0)
	// (func (export "keep") (param i32) (result i32) (local i32)
	//   local.get 0 i32.const 3 i32.mul local.set 1
	//   call $bump call $host i32.const 7 global.set 0 call $bump
	//   local.get 1 local.get 0 i32.add)
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	keep := []byte{1, 1, 0x7f,
		0x20, 0, 0x41, 3, 0x6c, 0x21, 1,
		0x10, 1, 0x10, 0, 0x41, 7, 0x24, 0, 0x10, 1,
		0x20, 1, 0x20, 0, 0x6a, 0x0b}
	bump := []byte{0, 0x23, 0, 0x41, 1, 0x6a, 0x24, 0, 0x0b}
	code := append([]byte{2, byte(len(bump))}, bump...)
	code = append(append(code, byte(len(keep))), keep...)
	var bin []byte
	bin = append(bin, 0, 'a', 's', 'm', 1, 0, 0, 0)
	bin = append(bin, sec(1, 2, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f)...)
	bin = append(bin, sec(2, 1, 3, 'e', 'n', 'v', 4, 'h', 'o', 's', 't', 0, 0)...)
	bin = append(bin, sec(3, 2, 0, 1)...)
	bin = append(bin, sec(6, 1, 0x7f, 1, 0x41, 0, 0x0b)...)
	bin = append(bin, sec(7, 2, 4, 'k', 'e', 'e', 'p', 0, 2, 4, 'b', 'u', 'm', 'p', 0, 1)...)
	bin = append(bin, sec(10, code...)...)

	m, err := decode.Decode(bin, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	obj, err := codegen.Compile(m, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	host := execute.NewHostFunc(m.Types[0], func(c *execute.Caller, _ []uint64) error {
		_, err := c.Instance().Func("bump").Call()
		return err
	})
	inst, err := st.InstantiateObject(obj, execute.ImportMap{"env": {"host": host}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []uint32{0, 1, 1000, 0x12345678, 0xffffffff} {
		got, err := inst.Func("keep").Call(uint64(a))
		if err != nil {
			t.Fatalf("keep(%d): %v", a, err)
		}
		if want := a * 4; uint32(got[0]) != want {
			t.Errorf("keep(%d) = %d, want %d", a, uint32(got[0]), want)
		}
	}
}
