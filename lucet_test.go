package lucet_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet"
)

func TestMain(m *testing.M) {
	// The examples use the default cache; keep it out of the user's.
	if os.Getenv("LUCET_CACHE_DIR") == "" {
		d, err := os.MkdirTemp("", "lucet-cache")
		if err == nil {
			os.Setenv("LUCET_CACHE_DIR", d)
			defer os.RemoveAll(d)
		}
	}
	code := m.Run()
	os.Exit(code)
}

func setup(t *testing.T, rcfg lucet.RuntimeConfig, path string, pcfg lucet.PoolConfig) (*lucet.Runtime, *lucet.Module, *lucet.Pool) {
	t.Helper()
	rcfg.NoCache = true
	rt := lucet.NewRuntime(rcfg)
	mod, err := rt.LoadModule(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	pool, err := rt.NewPool(pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return rt, mod, pool
}

func instance(t *testing.T, pool *lucet.Pool, mod *lucet.Module, cfg lucet.InstanceConfig) lucet.Instance {
	t.Helper()
	inst, err := pool.Instantiate(context.Background(), mod, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

func wantErr(t *testing.T, err error, substr string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), substr) {
		t.Errorf("error %v, want one saying %q", err, substr)
	}
}

func TestMissingImportsAreNamed(t *testing.T) {
	rt, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/host.wasm", lucet.PoolConfig{})
	_, err := pool.Instantiate(context.Background(), mod, lucet.InstanceConfig{})
	var ie *lucet.ImportError
	if !errors.As(err, &ie) || len(ie.Missing) != 2 {
		t.Fatalf("%v", err)
	}
	wantErr(t, err, "env.log: func [i32 i32] -> []")
	wantErr(t, err, "env.square")
	// One defined with the wrong type, one missing.
	env := rt.NewHostModule("env")
	if err := env.Func("square", func(x int64) int64 { return x }); err != nil {
		t.Fatal(err)
	}
	_, err = pool.Instantiate(context.Background(), mod, lucet.InstanceConfig{})
	wantErr(t, err, "env.square: module wants func [i32] -> [i32], host has func [i64] -> [i64]")
	wantErr(t, err, "missing import env.log")
	// WASI is not linked unless asked for.
	_, hmod, hpool := setup(t, lucet.RuntimeConfig{}, "testdata/hello.wasm", lucet.PoolConfig{})
	_, err = hpool.Instantiate(context.Background(), hmod, lucet.InstanceConfig{})
	wantErr(t, err, "wasi_snapshot_preview1.fd_write")
	if pool.Live() != 0 || hpool.Live() != 0 {
		t.Errorf("failed instantiations left %d, %d live", pool.Live(), hpool.Live())
	}
}

func TestBadHostFuncs(t *testing.T) {
	env := lucet.NewRuntime(lucet.RuntimeConfig{}).NewHostModule("env")
	for _, tt := range []struct {
		fn   any
		want string
	}{
		{42, "is not a function"},
		{func(s string) {}, "parameter 1 has type string"},
		{func() []byte { return nil }, "result 1 has type []uint8"},
		{func(xs ...int32) {}, "variadic"},
		{(func())(nil), "is not a function"},
	} {
		wantErr(t, env.Func("f", tt.fn), tt.want)
	}
	wantErr(t, lucet.NewRuntime(lucet.RuntimeConfig{}).NewHostModule("wasi_snapshot_preview1").Func("f", func() {}), "reserved")
}

func TestWrongArguments(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	ctx := context.Background()
	add := inst.Func("add")
	_, err := add.Call(ctx, 1)
	wantErr(t, err, "call add: 1 arguments, want 2")
	_, err = add.Call(ctx, "1", 2)
	wantErr(t, err, "call add: argument 1: string, want i32 (int32 or uint32)")
	_, err = add.Call(ctx, 1, int64(2))
	wantErr(t, err, "argument 2: int64, want i32")
	_, err = add.Call(ctx, 1, 1<<40)
	wantErr(t, err, "does not fit in i32")
	res, err := inst.Func("mix").Call(ctx, int64(1), float32(0.5), 0.25)
	if err != nil || res[0] != 1.75 {
		t.Errorf("mix: %v %v", res, err)
	}
	if inst.Func("nope") != nil {
		t.Error("Func of a missing export is not nil")
	}
	err = add.CallRaw(ctx, make([]uint64, 1))
	wantErr(t, err, "stack of 1 slots, want 2")
}

func TestTrapDetails(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	ctx := context.Background()
	_, err := inst.Func("div").Call(ctx, 1, 0)
	var trap *lucet.Trap
	if !errors.As(err, &trap) || trap.Code != lucet.TrapIntegerDivideByZero || trap.WasmOffset == 0 || len(trap.Frames) == 0 {
		t.Fatalf("%#v", err)
	}
	if !errors.Is(err, &lucet.Trap{Code: lucet.TrapIntegerDivideByZero}) {
		t.Error("errors.Is by code")
	}
	_, err = inst.Func("load").Call(ctx, uint32(1<<20))
	if !errors.As(err, &trap) || trap.Code != lucet.TrapMemoryOutOfBounds {
		t.Errorf("load: %v", err)
	}
	if got, err := lucet.Call1[int32](ctx, inst.Func("add"), 40, 2); got != 42 || err != nil {
		t.Errorf("after traps: %v %v", got, err)
	}
}

func TestPoolLimits(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{MaxInstances: 2})
	ctx := context.Background()
	a := instance(t, pool, mod, lucet.InstanceConfig{})
	instance(t, pool, mod, lucet.InstanceConfig{})
	_, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
	if !errors.Is(err, lucet.ErrPoolFull) {
		t.Errorf("third instance: %v", err)
	}
	a.Close()
	c := instance(t, pool, mod, lucet.InstanceConfig{})
	if _, err := a.Func("add").Call(ctx, 1, 2); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("call on a closed instance: %v", err)
	}
	pool.Close()
	if _, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{}); !errors.Is(err, lucet.ErrPoolClosed) {
		t.Errorf("closed pool: %v", err)
	}
	if _, err := c.Func("add").Call(ctx, 1, 2); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("instance of a closed pool: %v", err)
	}

	_, big, small := setup(t, lucet.RuntimeConfig{}, "testdata/api/big.wasm", lucet.PoolConfig{Limits: lucet.Limits{MaxMemoryBytes: 16 << 20}})
	_, err = small.Instantiate(ctx, big, lucet.InstanceConfig{})
	if !errors.Is(err, lucet.ErrMemoryLimit) {
		t.Errorf("64 MiB module under a 16 MiB limit: %v", err)
	}
	wantErr(t, err, "memory of 64 MiB is over the limit of 16 MiB")
	if _, err := lucet.NewRuntime(lucet.RuntimeConfig{}).NewPool(lucet.PoolConfig{Limits: lucet.Limits{MaxMemoryBytes: 1000}}); err == nil {
		t.Error("a memory limit that is not whole pages")
	}
}

func TestTimeoutKillAndOutputLimit(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{Limits: lucet.Limits{Timeout: 20 * time.Millisecond}})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	_, err := inst.Func("spin").Call(context.Background())
	if !errors.Is(err, lucet.ErrTimeout) || !errors.Is(err, &lucet.Trap{Code: lucet.TrapInterrupt}) {
		t.Errorf("timeout: %v", err)
	}
	_, mod2, pool2 := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	inst2 := instance(t, pool2, mod2, lucet.InstanceConfig{})
	time.AfterFunc(20*time.Millisecond, inst2.Kill)
	_, err = inst2.Func("spin").Call(context.Background())
	if !errors.Is(err, lucet.ErrKilled) {
		t.Errorf("kill: %v", err)
	}
	if got, err := lucet.Call1[int32](context.Background(), inst2.Func("add"), 1, 2); got != 3 || err != nil {
		t.Errorf("after kill: %v %v", got, err)
	}

	_, hello, hpool := setup(t, lucet.RuntimeConfig{}, "testdata/hello.wasm", lucet.PoolConfig{Limits: lucet.Limits{MaxOutputBytes: 5}})
	var out bytes.Buffer
	h := instance(t, hpool, hello, lucet.InstanceConfig{WASI: &lucet.WASIConfig{Stdout: &out}})
	_, err = h.Run(context.Background())
	if !errors.Is(err, lucet.ErrOutputLimit) || out.String() != "Hello" {
		t.Errorf("output limit: %q, %v", out.String(), err)
	}
}

func TestHostFunctionErrors(t *testing.T) {
	rt, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/host.wasm", lucet.PoolConfig{})
	env := rt.NewHostModule("env")
	boom := errors.New("boom")
	env.Func("log", func(c *lucet.Caller, p, n uint32) error { return boom })
	env.Func("square", func(x int32) int32 { panic("square panics") })
	inst := instance(t, pool, mod, lucet.InstanceConfig{Data: "request 7"})
	ctx := context.Background()
	if _, err := inst.Func("hello").Call(ctx); !errors.Is(err, boom) {
		t.Errorf("host error: %v", err)
	}
	_, err := inst.Func("sum_squares").Call(ctx, 3)
	wantErr(t, err, "host function env.square panicked: square panics")
	var hp *lucet.HostPanicError
	if !errors.Is(err, lucet.ErrHostPanic) || !errors.As(err, &hp) || hp.Import != "env.square" {
		t.Errorf("host panic: %v, want a HostPanicError naming env.square", err)
	}
	// Data and Context reach host functions through the reflective path.
	rt2, mod2, pool2 := setup(t, lucet.RuntimeConfig{}, "testdata/api/host.wasm", lucet.PoolConfig{})
	env2 := rt2.NewHostModule("env")
	var seen any
	env2.Func("log", func(c *lucet.Caller, p, n uint32) { seen = c.Data() })
	env2.Func("square", func(ctx context.Context, x int32) (int32, error) {
		if ctx.Value(key{}) != "v" {
			return 0, errors.New("no context value")
		}
		return x * x, nil
	})
	inst2 := instance(t, pool2, mod2, lucet.InstanceConfig{Data: "request 7"})
	cctx := context.WithValue(ctx, key{}, "v")
	if got, err := lucet.Call1[int32](cctx, inst2.Func("sum_squares"), 4); got != 14 || err != nil {
		t.Errorf("sum_squares: %v %v", got, err)
	}
	inst2.Func("hello").Call(ctx)
	if seen != "request 7" {
		t.Errorf("Caller.Data: %v", seen)
	}
}

type key struct{}

// A dense runtime compiles explicit bounds checks and reserves only the
// memory limit.
func TestDenseLayout(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{Layout: lucet.LayoutDense}, "testdata/api/mem.wasm", lucet.PoolConfig{Limits: lucet.Limits{MaxMemoryBytes: 1 << 20}})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	_, err := inst.Func("load").Call(context.Background(), uint32(1<<18))
	if !errors.Is(err, &lucet.Trap{Code: lucet.TrapMemoryOutOfBounds}) {
		t.Errorf("dense out of bounds: %v", err)
	}
	if old, ok := inst.Memory().Grow(100); ok {
		t.Errorf("grew past the limit from %d pages", old)
	}
}

func TestFuel(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{Fuel: true}, "testdata/api/mem.wasm", lucet.PoolConfig{Limits: lucet.Limits{Fuel: 100000}})
	inst := instance(t, pool, mod, lucet.InstanceConfig{})
	if _, err := inst.Func("spin").Call(context.Background()); !errors.Is(err, &lucet.Trap{Code: lucet.TrapOutOfFuel}) {
		t.Errorf("spin with 100,000 fuel: %v", err)
	}
	// Without fuel instrumentation, metering is refused up front.
	_, plain, fpool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{Limits: lucet.Limits{Fuel: 100}})
	_, err := fpool.Instantiate(context.Background(), plain, lucet.InstanceConfig{})
	wantErr(t, err, "fuel")
}

// Close from another goroutine during a call stops the call; the
// instance is freed once it returns.
func TestCloseDuringCall(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	var inst lucet.Instance
	var err error
	for try := 0; ; try++ {
		in := instance(t, pool, mod, lucet.InstanceConfig{})
		inst = in
		time.AfterFunc(20*time.Millisecond, func() { in.Close() })
		_, err = inst.Func("spin").Call(context.Background())
		// On a loaded machine the Close can come before the call has
		// begun (ErrClosed without the interrupt): try again.
		if try < 10 && errors.Is(err, lucet.ErrClosed) && !errors.Is(err, &lucet.Trap{Code: lucet.TrapInterrupt}) {
			continue
		}
		break
	}
	if !errors.Is(err, lucet.ErrClosed) || !errors.Is(err, &lucet.Trap{Code: lucet.TrapInterrupt}) {
		t.Errorf("spin closed: %v", err)
	}
	if n := pool.Live(); n != 0 {
		t.Errorf("%d live after close", n)
	}
	if _, err := inst.Func("add").Call(context.Background(), 1, 2); !errors.Is(err, lucet.ErrClosed) {
		t.Errorf("call after close: %v", err)
	}
}

func TestMemoryBounds(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/api/mem.wasm", lucet.PoolConfig{})
	mem := instance(t, pool, mod, lucet.InstanceConfig{}).Memory()
	end := uint32(mem.Size())
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"last byte", mem.WriteUint8(end-1, 1)},
		{"read last word", func() bool { _, ok := mem.ReadUint32Le(end - 4); return ok }()},
	} {
		if !tt.ok {
			t.Errorf("%s refused", tt.name)
		}
	}
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"byte past the end", mem.WriteUint8(end, 1)},
		{"word across the end", mem.WriteUint64Le(end-4, 1)},
		{"wrapping length", func() bool { _, ok := mem.Read(1, 0xffffffff); return ok }()},
		{"string past the end", mem.WriteString(end-1, "ab")},
		{"float at 2^32-1", func() bool { _, ok := mem.ReadFloat64Le(0xffffffff); return ok }()},
	} {
		if tt.ok {
			t.Errorf("%s allowed", tt.name)
		}
	}
	var none lucet.Memory
	if _, ok := none.ReadUint8(0); ok || none.Size() != 0 || none.WriteString(0, "x") {
		t.Error("the zero Memory is not empty")
	}
}

// Modules loaded, instantiated and closed leave no mappings or file
// descriptors behind, even with a pool that outlives them.
func TestModulesUnload(t *testing.T) {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{NoCache: true})
	pool, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	wasm, err := os.ReadFile("testdata/api/mem.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cycle := func() {
		mod, err := rt.CompileModule(ctx, wasm)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := lucet.Call1[int32](ctx, inst.Func("add"), 1, 2); got != 3 || err != nil {
			t.Fatal(got, err)
		}
		// Closing the module first: it goes when its instance does.
		mod.Close()
		inst.Close()
	}
	cycle() // pools and the signal handler set up
	maps0, fds0 := count(t, "/proc/self/maps"), count(t, "/proc/self/fd")
	for i := 0; i < 100; i++ {
		cycle()
	}
	if maps, fds := count(t, "/proc/self/maps"), count(t, "/proc/self/fd"); maps > maps0+8 || fds > fds0 {
		t.Errorf("after 100 modules: %d mappings (from %d), %d fds (from %d)", maps, maps0, fds, fds0)
	}
}

func count(t *testing.T, path string) int {
	if strings.HasSuffix(path, "fd") {
		ents, err := os.ReadDir(path)
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte{'\n'})
}

// A WASI set-up error names the module once and WASI once: it read
// "instantiate m: wasi: wasi: preopen ...".
func TestWASIErrorPrefixedOnce(t *testing.T) {
	_, mod, pool := setup(t, lucet.RuntimeConfig{}, "testdata/hello.wasm", lucet.PoolConfig{})
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := pool.Instantiate(context.Background(), mod, lucet.InstanceConfig{WASI: &lucet.WASIConfig{Preopens: []lucet.Preopen{{HostPath: missing, GuestPath: "/d"}}}})
	wantErr(t, err, "instantiate hello: wasi: preopen")
	if strings.Count(err.Error(), "wasi:") != 1 {
		t.Errorf("error %q says wasi: more than once", err)
	}
}
