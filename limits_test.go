package lucet_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/lucet-go/lucet"
)

// An output limit keeps a pipe stdout a pipe: a guest blocked writing to
// one that nobody reads is still stopped by the timeout. (When the limit
// was a wrapping io.Writer, the WASI layer saw a plain writer, whose Write
// no timeout reaches, and the call hung.)
func TestOutputLimitKeepsStdoutPollable(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/wasi/wasm/cat.wasm",
		lucet.PoolConfig{Limits: lucet.Limits{MaxOutputBytes: 64 << 20, Timeout: 200 * time.Millisecond}})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	in := bytes.Repeat([]byte("x"), 1<<20) // several pipefuls, never read
	inst := instance(t, pool, mod, lucet.InstanceConfig{WASI: &lucet.WASIConfig{
		Args: []string{"cat"}, Stdin: bytes.NewReader(in), Stdout: w,
	}})
	done := make(chan error, 1)
	go func() { _, err := inst.Run(context.Background()); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, lucet.ErrTimeout) {
			t.Errorf("got %v, want ErrTimeout", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the guest blocked on its stdout pipe past the timeout")
	}
}

// Limits.MaxTableElements bounds an instance's tables together: a module
// whose tables start past it is refused with ErrTableLimit, and
// table.grow past it returns -1, on any of the tables; an instance made
// in the slot of a closed one has the whole budget again.
func TestTableLimit(t *testing.T) {
	ctx := context.Background()
	_, mod, small := setup(t, lucet.RuntimeConfig{}, "testdata/api/table.wasm", lucet.PoolConfig{Limits: lucet.Limits{MaxTableElements: 10}})
	_, err := small.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if !errors.Is(err, lucet.ErrTableLimit) {
		t.Errorf("12 elements under a limit of 10: %v", err)
	}
	wantErr(t, err, "tables of 12 elements are over the limit of 10")

	rt, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/table.wasm", lucet.PoolConfig{Limits: lucet.Limits{MaxTableElements: 20}})
	for round := range 2 {
		inst := instance(t, pool, mod, lucet.InstanceConfig{})
		for _, c := range []struct {
			fn   string
			n    int32
			want int32
		}{
			{"grow", 7, 8},         // 19 elements
			{"grow_extern", 2, -1}, // 21
			{"grow_extern", 1, 4},  // 20
			{"grow", 1, -1},        // 21
			{"grow", 0, 15},
			{"size", -1, 15},
		} {
			args := []any{c.n}
			if c.n < 0 {
				args = nil
			}
			got, err := lucet.Call1[int32](ctx, inst.Func(c.fn), args...)
			if err != nil || got != c.want {
				t.Errorf("round %d: %s(%v) = %d, %v; want %d", round, c.fn, args, got, err, c.want)
			}
		}
		inst.Close()
	}

	// 0 is the layout's default: 1<<24 elements in the guard layout, a
	// memory's bytes over 8 in the dense one.
	guard, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer guard.Close()
	big, err := rt.LoadModule("testdata/api/bigtable.wasm")
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	_, err = guard.Instantiate(ctx, big, lucet.InstanceConfig{})
	if !errors.Is(err, lucet.ErrTableLimit) {
		t.Errorf("18,000,000 elements under the default limit: %v", err)
	}
	wantErr(t, err, "over the limit of 16777216")
	dense := lucet.LayoutDense
	dpool, err := rt.NewPool(lucet.PoolConfig{Layout: &dense, Limits: lucet.Limits{MaxMemoryBytes: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	defer dpool.Close()
	inst := instance(t, dpool, mod, lucet.InstanceConfig{})
	for _, c := range []struct{ n, want int32 }{{1<<17 - 12 + 1, -1}, {1<<17 - 12, 8}} {
		if got, err := lucet.Call1[int32](ctx, inst.Func("grow"), c.n); err != nil || got != c.want {
			t.Errorf("dense pool of 1 MiB memories: grow(%d) = %d, %v; want %d", c.n, got, err, c.want)
		}
	}
}
