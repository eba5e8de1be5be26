package lucet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lucet-go/lucet"
)

// Running a WASI command: compile the .wasm (cached on disk), give it
// argv and stdio, run _start.
func Example() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	wasm, err := os.ReadFile("testdata/hello.wasm")
	if err != nil {
		log.Fatal(err)
	}
	mod, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{
		WASI: &lucet.WASIConfig{Args: []string{"hello"}, Stdout: os.Stdout},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()
	status, err := inst.Run(ctx)
	fmt.Println("exit status", status, err)
	// Output:
	// Hello, world!
	// exit status 0 <nil>
}

// Host functions are ordinary Go functions; their wasm signatures come
// from their Go types. A *lucet.Caller first parameter gives access to
// the calling instance's memory.
func ExampleHostModule_Func() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	env := rt.NewHostModule("env")
	if err := env.Func("square", func(x int32) int32 { return x * x }); err != nil {
		log.Fatal(err)
	}
	if err := env.Func("log", func(c *lucet.Caller, ptr, n uint32) {
		msg, ok := c.Memory().ReadString(ptr, n)
		fmt.Println("guest says:", msg, ok)
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

	if _, err := inst.Func("hello").Call(ctx); err != nil {
		log.Fatal(err)
	}
	sum, err := lucet.Call1[int32](ctx, inst.Func("sum_squares"), int32(4))
	fmt.Println("0²+1²+2²+3² =", sum, err)
	// Output:
	// guest says: hello from the guest true
	// 0²+1²+2²+3² = 14 <nil>
}

// Memory is read and written through bounds-checked accessors.
func ExampleMemory() {
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

	mem := inst.Memory()
	mem.WriteString(100, "hello, wasm")
	if _, err := inst.Func("upper").Call(ctx, uint32(100), uint32(11)); err != nil {
		log.Fatal(err)
	}
	s, ok := mem.ReadString(100, 11)
	fmt.Println(s, ok)

	mem.WriteUint32Le(8, 0xcafe)
	v, _ := lucet.Call1[uint32](ctx, inst.Func("load"), uint32(8))
	fmt.Printf("%#x\n", v)

	// Out of bounds: refused, nothing written.
	fmt.Println(mem.Size(), mem.WriteUint32Le(uint32(mem.Size())-2, 1))
	// Output:
	// HELLO, WASM true
	// 0xcafe
	// 65536 false
}

// A context's deadline stops a guest that never returns; the error is a
// trap and matches context.DeadlineExceeded.
func ExampleFunc_Call_timeout() {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	mod, err := rt.LoadModule("testdata/api/mem.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, _ := rt.NewPool(lucet.PoolConfig{})
	defer pool.Close()
	inst, err := pool.Instantiate(context.Background(), mod, lucet.InstanceConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = inst.Func("spin").Call(ctx)
	var trap *lucet.Trap
	fmt.Println(errors.As(err, &trap), trap.Code == lucet.TrapInterrupt, errors.Is(err, context.DeadlineExceeded))

	// The instance is still usable.
	sum, err := lucet.Call1[int32](context.Background(), inst.Func("add"), 2, 3)
	fmt.Println(sum, err)
	// Output:
	// true true true
	// 5 <nil>
}

// A pool serves many short-lived instances, each fresh and isolated,
// under shared limits, from many goroutines.
func ExamplePool() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
	mod, err := rt.LoadModule("testdata/hello.wasm")
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	pool, err := rt.NewPool(lucet.PoolConfig{
		MaxInstances: 64,
		Limits:       lucet.Limits{MaxMemoryBytes: 16 << 20, Timeout: time.Second, MaxOutputBytes: 1 << 10},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	var wg sync.WaitGroup
	var mu sync.Mutex
	served := map[string]int{}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 125; i++ {
				var out bytes.Buffer
				inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{
					WASI: &lucet.WASIConfig{Args: []string{"hello"}, Stdout: &out},
				})
				if err != nil {
					log.Print(err)
					return
				}
				_, err = inst.Run(ctx)
				inst.Close()
				mu.Lock()
				served[strings.TrimSpace(out.String())+fmt.Sprint(" err=", err)]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println(served, pool.Live())
	// Output:
	// map[Hello, world! err=<nil>:1000] 0
}
