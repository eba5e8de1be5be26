package lucet_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lucet-go/lucet"
)

// Calls on one instance from many goroutines at once: each either runs
// (and computes the right answer) or fails with ErrBusy. Before ErrBusy,
// two calls entered the same guest stack and the process died with
// SIGSEGV within a few hundred calls.
func TestConcurrentCallsOnOneInstance(t *testing.T) {
	for _, layout := range []lucet.Layout{lucet.LayoutGuard, lucet.LayoutDense} {
		_, mod, pool := setup(t, lucet.RuntimeConfig{Layout: layout}, "testdata/api/mem.wasm", lucet.PoolConfig{})
		inst := instance(t, pool, mod, lucet.InstanceConfig{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		ran, busy := 0, 0
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 500; i++ {
					var err error
					switch {
					case g == 0 && i%50 == 0:
						// A guest that runs until its context ends, so
						// the others meet a call in progress.
						ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
						_, err = inst.Func("spin").Call(ctx)
						cancel()
						if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, lucet.ErrBusy) {
							t.Errorf("spin: %v", err)
						}
						continue
					case i%2 == 0:
						var r []any
						r, err = inst.Func("add").Call(context.Background(), int32(g), int32(i))
						if err == nil && r[0].(int32) != int32(g+i) {
							t.Errorf("add(%d, %d) = %v", g, i, r[0])
						}
					default:
						_, err = inst.Func("upper").Call(context.Background(), int32(0), int32(4096))
					}
					mu.Lock()
					switch {
					case err == nil:
						ran++
					case errors.Is(err, lucet.ErrBusy):
						busy++
					default:
						t.Errorf("goroutine %d call %d: %v", g, i, err)
					}
					mu.Unlock()
				}
			}(g)
		}
		wg.Wait()
		t.Logf("layout %v: %d calls ran, %d refused as busy", layout, ran, busy)
		if ran == 0 {
			t.Error("no call ran")
		}
		// The instance is still whole.
		if r, err := lucet.Call1[int32](context.Background(), inst.Func("add"), int32(2), int32(3)); err != nil || r != 5 {
			t.Errorf("add(2, 3) after the storm = %v, %v", r, err)
		}
	}
}

// A host function may call back into its instance from its own goroutine,
// but a goroutine it starts may not while it waits: that call would run on
// the guest stack under the parked guest, which the host function then
// resumes.
func TestCallFromHostFunctionGoroutine(t *testing.T) {
	rt, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/host.wasm", lucet.PoolConfig{})
	env := rt.NewHostModule("env")
	env.Func("log", func(int32, int32) {})
	var nested, other error
	var nestedSum int32
	if err := env.Func("square", func(c *lucet.Caller, x int32) int32 {
		if x == 3 {
			inst := c.Instance()
			nestedSum, nested = lucet.Call1[int32](context.Background(), inst.Func("sum_squares"), int32(3))
			done := make(chan error)
			go func() {
				_, err := inst.Func("sum_squares").Call(context.Background(), int32(3))
				done <- err
			}()
			other = <-done
		}
		return x * x
	}); err != nil {
		t.Fatal(err)
	}
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	got, err := lucet.Call1[int32](context.Background(), inst.Func("sum_squares"), int32(5))
	if err != nil || got != 0+1+4+9+16 {
		t.Fatalf("sum_squares(5) = %d, %v", got, err)
	}
	if nested != nil || nestedSum != 0+1+4 {
		t.Errorf("nested call from the host function: %d, %v", nestedSum, nested)
	}
	if !errors.Is(other, lucet.ErrBusy) {
		t.Errorf("call from another goroutine during a host call: %v, want ErrBusy", other)
	}
}

// A call whose host function ends its goroutine (runtime.Goexit, as
// t.FailNow does) releases the instance: other goroutines may call it
// afterwards rather than find it busy forever.
func TestGoexitReleasesInstance(t *testing.T) {
	rt, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/host.wasm", lucet.PoolConfig{})
	env := rt.NewHostModule("env")
	env.Func("log", func(int32, int32) {})
	env.Func("square", func(x int32) int32 {
		if x == 7 {
			runtime.Goexit()
		}
		return x * x
	})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		inst.Func("sum_squares").Call(context.Background(), int32(10))
	}()
	<-done
	got, err := lucet.Call1[int32](context.Background(), inst.Func("sum_squares"), int32(3))
	if err != nil || got != 0+1+4 {
		t.Errorf("sum_squares(3) after a Goexit = %d, %v", got, err)
	}
}
