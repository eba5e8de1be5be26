package command_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
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
		// Kill reaches a host call of a call without a timeout too.
		{"kill", 0, 200 * time.Millisecond},
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

// blockWorld is what one blocked call waits on: the WASI configuration,
// and after, which checks that the cancelled call moved no data and then
// makes its wait end (data written, room made, a peer connecting).
type blockWorld struct {
	cfg   wasi.Config
	after func(t *testing.T)
	peer  int // the other end of the guest's socket, or -1
}

// blockingPipe is a pipe in blocking mode, as a shell hands stdin over
// (os.Pipe makes O_NONBLOCK ones for Go's poller).
func blockingPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r, w = os.NewFile(uintptr(p[0]), "r"), os.NewFile(uintptr(p[1]), "w")
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// socketpair returns the guest's end (as an *os.File for Config.Sockets)
// and the peer's fd.
func socketpair(t *testing.T) (*os.File, int) {
	t.Helper()
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := os.NewFile(uintptr(p[0]), "guest")
	t.Cleanup(func() { g.Close(); unix.Close(p[1]) })
	return g, p[1]
}

// fill writes to fd (blocking mode) until it would block; it returns how
// much it took.
func fill(t *testing.T, fd int) int {
	t.Helper()
	unix.SetNonblock(fd, true)
	defer unix.SetNonblock(fd, false)
	buf := make([]byte, 64<<10)
	total := 0
	for {
		n, err := unix.Write(fd, buf)
		if err == unix.EAGAIN {
			return total
		}
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
}

// drain reads what fd holds now.
func drain(t *testing.T, fd int) int {
	t.Helper()
	buf := make([]byte, 64<<10)
	total := 0
	for {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if k, _ := unix.Poll(pfd, 0); k == 0 {
			return total
		}
		n, err := unix.Read(fd, buf)
		if err != nil || n == 0 {
			return total
		}
		total += n
	}
}

// TestCancelBlockedCalls blocks a guest in each WASI call that can wait on
// an fd and stops it with the store's timeout, a context and Store.Kill
// (in a call with neither): the call must end promptly with an interrupt
// trap, moving no data; the same store, System and fd must then serve the
// call once it can complete; and closing the System must close the fd the
// cancelled call was using.
func TestCancelBlockedCalls(t *testing.T) {
	mod := module(t, "testdata/block.wasm")
	const stopAfter = 200 * time.Millisecond
	readPipe := func(t *testing.T) blockWorld {
		r, w := blockingPipe(t)
		return blockWorld{cfg: wasi.Config{Stdin: r}, peer: -1, after: func(t *testing.T) { w.Write([]byte("late")) }}
	}
	writePipe := func(t *testing.T) blockWorld {
		r, w := blockingPipe(t)
		full := fill(t, int(w.Fd()))
		return blockWorld{cfg: wasi.Config{Stdout: w}, peer: -1, after: func(t *testing.T) {
			if got := drain(t, int(r.Fd())); got != full {
				t.Errorf("the pipe held %d bytes after the cancel, %d before", got, full)
			}
		}}
	}
	readSock := func(t *testing.T) blockWorld {
		g, peer := socketpair(t)
		return blockWorld{cfg: wasi.Config{Sockets: []syscall.Conn{g}}, peer: peer, after: func(t *testing.T) { unix.Write(peer, []byte("late")) }}
	}
	writeSock := func(t *testing.T) blockWorld {
		g, peer := socketpair(t)
		full := fill(t, int(g.Fd()))
		return blockWorld{cfg: wasi.Config{Sockets: []syscall.Conn{g}}, peer: peer, after: func(t *testing.T) {
			if got := drain(t, peer); got != full {
				t.Errorf("the peer got %d bytes after the cancel, %d were sent before", got, full)
			}
		}}
	}
	listener := func(t *testing.T) blockWorld {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		return blockWorld{cfg: wasi.Config{Sockets: []syscall.Conn{ln.(*net.TCPListener)}}, peer: -1, after: func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
		}}
	}
	calls := []struct {
		export string
		world  func(t *testing.T) blockWorld
	}{
		{"read", readPipe},
		{"write", writePipe},
		{"read_sock", readSock},
		{"write_sock", writeSock},
		{"recv", readSock},
		{"send", writeSock},
		{"accept", listener},
	}
	for _, c := range calls {
		for _, how := range []string{"timeout", "context", "kill"} {
			t.Run(c.export+"/"+how, func(t *testing.T) {
				t.Parallel() // each mostly waits
				w := c.world(t)
				sys, err := wasi.New(w.cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer sys.Close()
				cfg := execute.Config{}
				if how == "timeout" {
					cfg.Timeout = stopAfter
				}
				st, err := execute.NewStore(cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				inst, err := st.Instantiate(mod, command.Imports(sys))
				if err != nil {
					t.Fatal(err)
				}
				f := inst.Func(c.export)
				start := time.Now()
				switch how {
				case "context":
					ctx, cancel := context.WithTimeout(context.Background(), stopAfter)
					defer cancel()
					_, err = f.CallContext(ctx)
				case "kill":
					tm := time.AfterFunc(stopAfter, st.Kill)
					defer tm.Stop()
					_, err = f.Call()
				default:
					_, err = f.Call()
				}
				el := time.Since(start)
				if !execute.IsTrap(err, abi.TrapInterrupt) {
					t.Fatalf("%s = %v, want an interrupt trap", c.export, err)
				}
				// The call waited until stopped, and not much longer;
				// the slack is for a loaded machine.
				if el < stopAfter/2 || el > 3*time.Second {
					t.Errorf("%s returned after %v, stopped after %v", c.export, el, stopAfter)
				}
				w.after(t)
				var exit *wasi.ExitError
				if _, err := f.Call(); !errors.As(err, &exit) || exit.Code != 100 {
					t.Fatalf("%s once it can complete = %v, want exit 100 (errno 0)", c.export, err)
				}
				if w.peer < 0 {
					return
				}
				// The System's copy of the socket goes with it; with the
				// test's own copy closed too, the peer sees the end.
				if err := sys.Close(); err != nil {
					t.Fatal(err)
				}
				for _, s := range w.cfg.Sockets {
					s.(*os.File).Close()
				}
				drain(t, w.peer)
				pfd := []unix.PollFd{{Fd: int32(w.peer), Events: unix.POLLIN}}
				if n, _ := unix.Poll(pfd, 2000); n != 1 || pfd[0].Revents&(unix.POLLHUP|unix.POLLIN) == 0 {
					t.Errorf("peer still connected after Close: poll %d, revents %#x", n, pfd[0].Revents)
				}
			})
		}
	}
}
