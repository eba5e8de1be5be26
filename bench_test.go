package lucet_test

import (
	"context"
	"testing"

	"github.com/lucet-go/lucet"
)

// BenchmarkInstantiate is one WASI instance of hello made and closed
// through the front door (pkg/bench measures the layers below it).
func BenchmarkInstantiate(b *testing.B) {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{NoCache: true})
	mod, err := rt.LoadModule("testdata/hello.wasm")
	if err != nil {
		b.Fatal(err)
	}
	defer mod.Close()
	pool, _ := rt.NewPool(lucet.PoolConfig{})
	defer pool.Close()
	ctx := context.Background()
	cfg := lucet.InstanceConfig{WASI: &lucet.WASIConfig{Args: []string{"hello"}}}
	b.ReportAllocs()
	for b.Loop() {
		inst, err := pool.Instantiate(ctx, mod, cfg)
		if err != nil {
			b.Fatal(err)
		}
		inst.Close()
	}
}

// BenchmarkCall compares a typed call with a raw one.
func BenchmarkCall(b *testing.B) {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{NoCache: true})
	mod, err := rt.LoadModule("testdata/api/mem.wasm")
	if err != nil {
		b.Fatal(err)
	}
	defer mod.Close()
	pool, _ := rt.NewPool(lucet.PoolConfig{})
	defer pool.Close()
	ctx := context.Background()
	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer inst.Close()
	add := inst.Func("add")
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := add.Call(ctx, 1, 2); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		stack := make([]uint64, 2)
		for b.Loop() {
			stack[0], stack[1] = 1, 2
			if err := add.CallRaw(ctx, stack); err != nil {
				b.Fatal(err)
			}
		}
	})
}
