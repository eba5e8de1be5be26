package lucet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/lucet-go/lucet"
)

// A raw host function works on the 64-bit slots themselves: no
// reflection and no allocation per call, for functions on a hot path.
func ExampleHostModule_RawFunc() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	env := rt.NewHostModule("env")
	i32 := []lucet.ValueType{lucet.ValueTypeI32}
	if err := env.RawFunc("square", i32, i32, func(_ *lucet.Caller, stack []uint64) error {
		x := int32(stack[0])
		stack[0] = uint64(uint32(x * x))
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	if err := env.RawFunc("log", []lucet.ValueType{lucet.ValueTypeI32, lucet.ValueTypeI32}, nil, func(c *lucet.Caller, stack []uint64) error {
		msg, _ := c.Memory().ReadString(uint32(stack[0]), uint32(stack[1]))
		fmt.Println("guest says:", msg)
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	mod, err := rt.LoadModule("testdata/api/host.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, _ := rt.NewPool(lucet.PoolConfig{})
	defer pool.Close()
	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()
	stack := []uint64{5}
	err = inst.Func("sum_squares").CallRaw(ctx, stack)
	fmt.Println("0²+1²+2²+3²+4² =", int32(stack[0]), err)
	// Output: 0²+1²+2²+3²+4² = 30 <nil>
}

// Kill stops a running call from another goroutine; the instance stays
// usable for the next call.
func ExampleInstance_Kill() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	mod, err := rt.LoadModule("testdata/api/mem.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, _ := rt.NewPool(lucet.PoolConfig{})
	defer pool.Close()
	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()

	time.AfterFunc(10*time.Millisecond, inst.Kill)
	_, err = inst.Func("spin").Call(ctx)
	fmt.Println("killed:", errors.Is(err, lucet.ErrKilled))
	sum, err := lucet.Call1[int32](ctx, inst.Func("add"), 2, 3)
	fmt.Println("then 2+3 =", sum, err)
	// Output:
	// killed: true
	// then 2+3 = 5 <nil>
}

// A module says what it needs and offers before it is instantiated.
func ExampleModule_Imports() {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	mod, err := rt.LoadModule("testdata/api/host.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	for _, imp := range mod.Imports() {
		fmt.Println("import", imp.Module+"."+imp.Name, imp.Kind, imp.Type)
	}
	for _, exp := range mod.Exports() {
		fmt.Println("export", exp.Name, exp.Kind)
	}
	// Output:
	// import env.log func [i32 i32] -> []
	// import env.square func [i32] -> [i32]
	// export memory memory
	// export hello func
	// export sum_squares func
}

// A layout is chosen by name, as lucet-bench's --layout does.
func ExampleParseLayout() {
	l, err := lucet.ParseLayout("dense")
	fmt.Println(l, err)
	_, err = lucet.ParseLayout("sparse")
	fmt.Println(err)
	// Output:
	// dense <nil>
	// layout "sparse": want guard or dense
}

// Call1 calls a function with one result and returns it typed, here an
// export whose loop calls a Go host function.
func ExampleCall1() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	env := rt.NewHostModule("env")
	if err := env.Func("square", func(x int32) int32 { return x * x }); err != nil {
		log.Fatal(err)
	}
	if err := env.Func("log", func(c *lucet.Caller, ptr, n uint32) {}); err != nil {
		log.Fatal(err)
	}
	mod, err := rt.LoadModule("testdata/api/host.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()
	sum, err := lucet.Call1[int32](ctx, inst.Func("sum_squares"), int32(4))
	fmt.Println(sum, err)
	// Output: 14 <nil>
}

// Exports lists what a module offers before any instance is made, with
// each function's signature.
func ExampleModule_Exports() {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	mod, err := rt.LoadModule("testdata/api/host.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	for _, e := range mod.Exports() {
		fmt.Println(strings.TrimSpace(e.Name + " " + e.Kind + " " + e.Type))
	}
	// Output:
	// memory memory
	// hello func [] -> []
	// sum_squares func [i32] -> [i32]
}
