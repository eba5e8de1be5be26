package command_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lucet/pkg/abi"
	"lucet/pkg/codegen"
	"lucet/pkg/command"
	"lucet/pkg/compile"
	"lucet/pkg/execute"
	"lucet/pkg/load"
)

var (
	modsMu sync.Mutex
	mods   = map[string]*load.Module{}
)

// module compiles a committed test program once per test binary.
func module(t testing.TB, path string) *load.Module {
	t.Helper()
	modsMu.Lock()
	defer modsMu.Unlock()
	if m, ok := mods[path]; ok {
		return m
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := compile.Wasm(b, codegen.Options{})
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	m, err := load.FromObject(o)
	if err != nil {
		t.Fatal(err)
	}
	mods[path] = m
	return m
}

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		wasm    string
		args    []string
		env     []string
		stdin   string
		stdout  string // exact
		status  int
		trap    abi.TrapCode // non-zero: Run must fail with this trap
		errText string       // non-empty: Run must fail with this text
	}{
		{name: "hello", wasm: "../../testdata/hello.wasm", args: []string{"hello"}, stdout: "Hello, world!\n"},
		{name: "hello arg", wasm: "../../testdata/hello.wasm", args: []string{"hello", "world"}, stdout: "Hello from Lucet, world!\n"},
		{name: "exit 7", wasm: "../../testdata/wasi/wasm/exitcode.wasm", args: []string{"exitcode", "exit", "7"}, status: 7},
		{name: "env only granted", wasm: "../../testdata/wasi/wasm/env.wasm", args: []string{"env"}, env: []string{"A=1"}, stdout: "1 variables\nenv: A=1\n"},
		{name: "stdin", wasm: "../../testdata/wasi/wasm/cat.wasm", args: []string{"cat"}, stdin: "abc\n", stdout: "abc\n"},
		{name: "trap", wasm: "../../testdata/wasi/wasm/trap.wasm", args: []string{"trap"}, trap: abi.TrapUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod := module(t, tt.wasm)
			st, err := execute.NewStore(execute.Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var stdout, stderr bytes.Buffer
			status, err := command.Run(st, mod, command.Options{
				Args: tt.args, Env: tt.env, Stdin: strings.NewReader(tt.stdin), Stdout: &stdout, Stderr: &stderr,
			})
			if tt.trap != 0 {
				var tr *execute.Trap
				if !errors.As(err, &tr) || tr.Code != tt.trap {
					t.Fatalf("err = %v, want trap %v", err, tt.trap)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run: %v (stderr %q)", err, stderr.String())
			}
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			if tt.stdout != "" && stdout.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.stdout)
			}
		})
	}
}

func TestRunMissingEntry(t *testing.T) {
	mod := module(t, "../../testdata/hello.wasm")
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = command.Run(st, mod, command.Options{Entry: "nope", Stdout: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), `no function "nope"`) {
		t.Fatalf("err = %v, want a missing-entry error", err)
	}
}

// TestRunSockets hands a listener to a guest that accepts one connection
// and echoes what it reads.
func TestRunSockets(t *testing.T) {
	mod := module(t, "testdata/echo.wasm")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			got <- "dial: " + err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write([]byte("ping"))
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	status, err := command.Run(st, mod, command.Options{
		Args: []string{"echo"}, Stdout: &bytes.Buffer{}, Sockets: []syscall.Conn{l.(*net.TCPListener)},
	})
	if err != nil || status != 0 {
		t.Fatalf("Run = %d, %v; want 0 (status is the failing errno)", status, err)
	}
	if s := <-got; s != "ping" {
		t.Errorf("echoed %q, want %q", s, "ping")
	}
}

// TestRunStopsSleepingGuest stops a guest blocked in nanosleep (poll_oneoff
// with an hour's clock): the store's cancellation must reach the host call,
// not wait for the guest's next interrupt check.
func TestRunStopsSleepingGuest(t *testing.T) {
	mod := module(t, "../../testdata/wasi/wasm/spin.wasm")
	tests := []struct {
		name    string
		timeout time.Duration
		kill    time.Duration // > 0: Store.Kill after this long
	}{
		{"timeout", 200 * time.Millisecond, 0},
		// Kill reaches host calls only in a call that can be cancelled,
		// which a timeout makes it.
		{"kill", time.Hour, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := execute.NewStore(execute.Config{Timeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if tt.kill > 0 {
				tm := time.AfterFunc(tt.kill, st.Kill)
				defer tm.Stop()
			}
			var stdout bytes.Buffer
			start := time.Now()
			status, err := command.Run(st, mod, command.Options{Args: []string{"spin", "sleep"}, Stdout: &stdout, Stderr: &bytes.Buffer{}})
			el := time.Since(start)
			var tr *execute.Trap
			if !errors.As(err, &tr) || tr.Code != abi.TrapInterrupt {
				t.Fatalf("Run = %d, %v; want trap %v", status, err, abi.TrapInterrupt)
			}
			// ~200 ms; the slack is for a loaded machine, the hour is what
			// it guards against.
			if el > 3*time.Second {
				t.Errorf("Run returned after %v", el)
			}
			if got := stdout.String(); got != "spinning (sleep)\n" {
				t.Errorf("stdout = %q: the guest did not reach its sleep", got)
			}
		})
	}
}
