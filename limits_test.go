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
