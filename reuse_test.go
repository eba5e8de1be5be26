package lucet_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lucet-go/lucet"
)

// A pool reuses what a closed instance was made of for the next one; every
// handle of the closed instance stays dead: its calls fail with ErrClosed,
// its memory is empty, Kill and Close do nothing to the instance made in
// its place, and that one starts from a clean memory.
func TestStaleHandles(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	ctx := context.Background()
	a := instance(t, pool, mod, lucet.InstanceConfig{Data: "a"})
	af, am := a.Func("add"), a.Memory()
	end := uint32(am.Size())
	if !am.WriteString(end-6, "secret") {
		t.Fatal("write refused")
	}
	a.Close()
	b := instance(t, pool, mod, lucet.InstanceConfig{Data: "b"})
	if got := pool.Live(); got != 1 {
		t.Fatalf("live: %d", got)
	}
	if _, err := af.Call(ctx, 1, 2); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("stale func: %v", err)
	}
	if _, err := a.Func("add").Call(ctx, 1, 2); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("func of a stale instance: %v", err)
	}
	if _, err := a.Run(ctx); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("run of a stale instance: %v", err)
	}
	if am.Size() != 0 || a.Memory().Size() != 0 || a.Data() != nil || a.Module() != nil {
		t.Errorf("stale memory or data still reachable: %d %d %v", am.Size(), a.Memory().Size(), a.Data())
	}
	if _, ok := am.ReadString(end-6, 6); ok {
		t.Error("stale memory read allowed")
	}
	a.Kill()
	a.Close()
	if got, err := lucet.Call1[int32](ctx, b.Func("add"), 40, 2); got != 42 || err != nil {
		t.Errorf("new instance after stale Kill/Close: %v %v", got, err)
	}
	if s, ok := b.Memory().ReadString(end-6, 6); !ok || s != "\x00\x00\x00\x00\x00\x00" {
		t.Errorf("new instance sees %q, ok %v", s, ok)
	}
	if b.Data() != "b" {
		t.Errorf("data: %v", b.Data())
	}
	var zero lucet.Instance
	if _, err := zero.Run(ctx); !errors.Is(err, lucet.ErrClosed) || zero.Close() != nil {
		t.Errorf("zero instance: %v", err)
	}
	zero.Kill()
}

// Instantiating through a pool allocates nothing on the Go heap once the
// pool has a slot to reuse.
func TestInstantiateAllocs(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/hello.wasm", lucet.PoolConfig{})
	ctx := context.Background()
	cfg := lucet.InstanceConfig{WASI: &lucet.WASIConfig{Args: []string{"hello"}}}
	n := testing.AllocsPerRun(200, func() {
		inst, err := pool.Instantiate(ctx, mod, cfg)
		if err != nil {
			t.Fatal(err)
		}
		inst.Close()
	})
	if n != 0 {
		t.Errorf("%v allocations per instantiation", n)
	}
}

// Memories made fresh (more live than the pool keeps, so they map the
// module's image copy-on-write) and then given back to the pool: nothing
// any of them wrote, over the image or past it, reaches the instances made
// after them, which see the image and zeros.
func TestFreshMemoriesAreIsolated(t *testing.T) {
	for _, l := range []lucet.Layout{lucet.LayoutGuard, lucet.LayoutDense} {
		t.Run(l.String(), func(t *testing.T) {
			_, mod, pool := setup(t, lucet.RuntimeConfig{Layout: l}, "testdata/hello.wasm", lucet.PoolConfig{})
			ctx := context.Background()
			cfg := lucet.InstanceConfig{WASI: &lucet.WASIConfig{}}
			first := instance(t, pool, mod, cfg)
			image, _ := first.Memory().Read(0, 8192)
			image = append([]byte(nil), image...)
			first.Close()
			const n = 150
			var live []lucet.Instance
			for round := 0; round < 2; round++ {
				for i := 0; i < n; i++ {
					inst, err := pool.Instantiate(ctx, mod, cfg)
					if err != nil {
						t.Fatal(err)
					}
					mem := inst.Memory()
					if got, _ := mem.Read(0, 8192); string(got) != string(image) {
						t.Fatalf("round %d instance %d: memory does not start as the image", round, i)
					}
					if s, _ := mem.ReadString(uint32(mem.Size())-6, 6); s != "\x00\x00\x00\x00\x00\x00" {
						t.Fatalf("round %d instance %d: sees %q past the image", round, i, s)
					}
					mem.WriteString(1024, "secret")
					mem.WriteString(uint32(mem.Size())-6, "secret")
					live = append(live, inst)
				}
				for _, inst := range live {
					inst.Close()
				}
				live = live[:0]
			}
		})
	}
}

// Handles of closed instances used from other goroutines while the pool
// reuses what they were made of for new instances: every use fails with
// ErrClosed and never disturbs the new instances (run under -race).
func TestStaleHandlesConcurrent(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	ctx := context.Background()
	handles := make(chan lucet.Instance, 64)
	done := make(chan struct{})
	var users sync.WaitGroup
	for g := 0; g < 2; g++ {
		users.Add(1)
		go func() {
			defer users.Done()
			for {
				select {
				case h := <-handles:
					if _, err := h.Func("add").Call(ctx, 1, 2); !errors.Is(err, lucet.ErrClosed) {
						t.Errorf("stale call: %v", err)
					}
					if h.Memory().WriteUint8(0, 1) {
						t.Error("stale memory written")
					}
					h.Kill()
					h.Close()
				case <-done:
					return
				}
			}
		}()
	}
	var owners sync.WaitGroup
	for g := 0; g < 4; g++ {
		owners.Add(1)
		go func() {
			defer owners.Done()
			for i := 0; i < 300; i++ {
				inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := lucet.Call1[int32](ctx, inst.Func("add"), 1, 2); got != 3 || err != nil {
					t.Errorf("owner call: %v %v", got, err)
				}
				if b, ok := inst.Memory().ReadUint8(0); !ok || b != 0 {
					t.Errorf("new instance's memory[0] = %d, %v", b, ok)
				}
				inst.Close()
				select {
				case handles <- inst:
				default:
				}
			}
		}()
	}
	owners.Wait()
	close(done)
	users.Wait()
	if n := pool.Live(); n != 0 {
		t.Errorf("%d instances still live", n)
	}
}

// Pool.Close while other goroutines instantiate: each instantiation either
// gives a working instance or fails with ErrPoolClosed, and nothing is
// left live (run under -race).
func TestPoolCloseWhileInstantiating(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	ctx := context.Background()
	var wg sync.WaitGroup
	var made atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
				if errors.Is(err, lucet.ErrPoolClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				made.Add(1)
				if _, err := inst.Func("add").Call(ctx, 1, 2); err != nil && !errors.Is(err, lucet.ErrClosed) && !errors.Is(err, lucet.ErrKilled) {
					t.Errorf("call: %v", err)
				}
				inst.Close()
			}
		}()
	}
	for made.Load() < 200 {
		runtime.Gosched()
	}
	pool.Close()
	wg.Wait()
	if n := pool.Live(); n != 0 {
		t.Errorf("%d instances live after Close", n)
	}
}
