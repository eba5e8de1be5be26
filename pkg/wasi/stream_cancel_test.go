package wasi

import (
	"encoding/binary"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// blockingPipe is a pipe whose ends are in blocking mode, as a shell hands
// stdin to a process (os.Pipe makes them O_NONBLOCK for Go's poller).
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

// nonblockingPipe is os.Pipe, checked to be in O_NONBLOCK mode.
func nonblockingPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if !isNonblock(t, rawFd(r)) || !isNonblock(t, rawFd(w)) {
		t.Fatal("os.Pipe no longer makes O_NONBLOCK pipes; this case tests nothing new")
	}
	return r, w
}

func isNonblock(t *testing.T, fd int) bool {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fl&unix.O_NONBLOCK != 0
}

// fill writes to fd until it would block and returns how much it took.
// The fd's blocking mode is restored afterwards.
func fill(t *testing.T, fd int, send bool) int {
	t.Helper()
	nb := isNonblock(t, fd)
	if !nb {
		unix.SetNonblock(fd, true)
		defer unix.SetNonblock(fd, false)
	}
	buf := make([]byte, 64<<10)
	total := 0
	for {
		var n int
		var err error
		if send {
			n, err = unix.SendmsgN(fd, buf, nil, nil, unix.MSG_DONTWAIT)
		} else {
			n, err = unix.Write(fd, buf)
		}
		if err == unix.EAGAIN {
			return total
		}
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
}

// drain reads everything fd holds now and returns how much that was.
func drain(t *testing.T, fd int) int {
	t.Helper()
	buf := make([]byte, 64<<10)
	total := 0
	for {
		n, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		if err == unix.ENOTSOCK {
			// A pipe: read it in nonblocking mode (nothing else reads it
			// now). Polling first and then reading in blocking mode hung
			// when the poll failed with EINTR (a Go preemption signal),
			// which the check took for "readable".
			if err := unix.SetNonblock(fd, true); err != nil {
				t.Fatal(err)
			}
			n, err = unix.Read(fd, buf)
		}
		if err == unix.EAGAIN || n == 0 {
			return total
		}
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
}

func socketpair(t *testing.T) (guest *os.File, peer int) {
	t.Helper()
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	guest = os.NewFile(uintptr(p[0]), "guest")
	t.Cleanup(func() { guest.Close(); unix.Close(p[1]) })
	return guest, p[1]
}

// blockCase is one call that waits: how to build the world it waits in,
// and what must hold once it was cancelled.
type blockCase struct {
	name string
	// polled makes the System treat its fds as refusing RWF_NOWAIT, as
	// ttys and older kernels do, so the poll-first path is taken.
	polled bool
	// setup returns the configuration, the call and its arguments (given
	// the harness), and after, which checks the fd is as it was and still
	// works once its wait can end.
	setup func(t *testing.T) (cfg Config, call string, args func(h *harness) []uint64, after func(t *testing.T, h *harness))
}

// ioArgs are fd_read/fd_write arguments with a buffer of n bytes.
func ioArgs(fd uint32, n int) func(h *harness) []uint64 {
	return func(h *harness) []uint64 {
		ip, ic, _ := h.iov(make([]byte, n))
		return []uint64{uint64(fd), ip, ic, uint64(h.alloc(4))}
	}
}

// recvArgs are sock_recv arguments with a buffer of n bytes.
func recvArgs(fd uint32, n int, flags uint64) func(h *harness) []uint64 {
	return func(h *harness) []uint64 {
		ip, ic, _ := h.iov(make([]byte, n))
		return []uint64{uint64(fd), ip, ic, flags, uint64(h.alloc(4)), uint64(h.alloc(4))}
	}
}

func sendArgs(fd uint32, data string) func(h *harness) []uint64 {
	return func(h *harness) []uint64 {
		ip, ic, _ := h.iov([]byte(data))
		return []uint64{uint64(fd), ip, ic, 0, uint64(h.alloc(4))}
	}
}

const sockFd = 3 // no preopens: the first socket is fd 3

func readCase(name string, polled bool, pipe func(*testing.T) (*os.File, *os.File)) blockCase {
	return blockCase{name, polled, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		r, w := pipe(t)
		return Config{Stdin: r}, "fd_read", ioArgs(0, 64), func(t *testing.T, h *harness) {
			w.Write([]byte("late"))
			if got := string(h.read(0, 64)); got != "late" {
				t.Errorf("read after the cancel: %q", got)
			}
		}
	}}
}

func writeCase(name string, polled bool, pipe func(*testing.T) (*os.File, *os.File)) blockCase {
	return blockCase{name, polled, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		r, w := pipe(t)
		full := fill(t, rawFd(w), false)
		return Config{Stdout: w}, "fd_write", ioArgs(1, 10), func(t *testing.T, h *harness) {
			if got := drain(t, rawFd(r)); got != full {
				t.Errorf("the pipe held %d bytes after the cancel, %d before", got, full)
			}
			if n := h.write(1, []byte("0123456789")); n != 10 {
				t.Errorf("write after the cancel: %d bytes", n)
			}
		}
	}}
}

var blockCases = []blockCase{
	readCase("fd_read blocking pipe", false, blockingPipe),
	readCase("fd_read O_NONBLOCK pipe", false, nonblockingPipe),
	writeCase("fd_write full blocking pipe", false, blockingPipe),
	writeCase("fd_write full O_NONBLOCK pipe", false, nonblockingPipe),
	readCase("fd_read blocking pipe, polled", true, blockingPipe),
	readCase("fd_read O_NONBLOCK pipe, polled", true, nonblockingPipe),
	writeCase("fd_write full blocking pipe, polled", true, blockingPipe),
	writeCase("fd_write full O_NONBLOCK pipe, polled", true, nonblockingPipe),
	{"sock_accept", false, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Skip("no loopback TCP:", err)
		}
		t.Cleanup(func() { ln.Close() })
		args := func(h *harness) []uint64 { return []uint64{sockFd, 0, uint64(h.alloc(4))} }
		return Config{Sockets: []syscall.Conn{ln.(*net.TCPListener)}}, "sock_accept", args, func(t *testing.T, h *harness) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			h.must("sock_accept", args(h)...)
		}
	}},
	{"sock_recv", false, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		g, peer := socketpair(t)
		return Config{Sockets: []syscall.Conn{g}}, "sock_recv", recvArgs(sockFd, 64, 0), func(t *testing.T, h *harness) {
			unix.Write(peer, []byte("late"))
			a := recvArgs(sockFd, 64, 0)(h)
			h.must("sock_recv", a...)
			if n := h.u32(uint32(a[4])); n != 4 {
				t.Errorf("recv after the cancel: %d bytes", n)
			}
		}
	}},
	{"fd_read socket", false, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		g, peer := socketpair(t)
		return Config{Sockets: []syscall.Conn{g}}, "fd_read", ioArgs(sockFd, 64), func(t *testing.T, h *harness) {
			unix.Write(peer, []byte("late"))
			if got := string(h.read(sockFd, 64)); got != "late" {
				t.Errorf("read after the cancel: %q", got)
			}
		}
	}},
	{"sock_send full", false, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		g, peer := socketpair(t)
		full := fill(t, rawFd(g), true)
		return Config{Sockets: []syscall.Conn{g}}, "sock_send", sendArgs(sockFd, "0123456789"), func(t *testing.T, h *harness) {
			if got := drain(t, peer); got != full {
				t.Errorf("the peer got %d bytes after the cancel, %d were sent before", got, full)
			}
			h.must("sock_send", sendArgs(sockFd, "0123456789")(h)...)
		}
	}},
	{"fd_write socket full", false, func(t *testing.T) (Config, string, func(*harness) []uint64, func(*testing.T, *harness)) {
		g, peer := socketpair(t)
		full := fill(t, rawFd(g), true)
		return Config{Sockets: []syscall.Conn{g}}, "fd_write", ioArgs(sockFd, 10), func(t *testing.T, h *harness) {
			if got := drain(t, peer); got != full {
				t.Errorf("the peer got %d bytes after the cancel, %d were sent before", got, full)
			}
			if n := h.write(sockFd, []byte("0123456789")); n != 10 {
				t.Errorf("write after the cancel: %d bytes", n)
			}
		}
	}},
}

// TestStreamCancel blocks each call that can wait on an fd and cancels it:
// the call must end promptly with the Canceler's error, having read or
// written nothing, and the fd must work afterwards.
func TestStreamCancel(t *testing.T) {
	for _, bc := range blockCases {
		for _, when := range []struct {
			name  string
			after time.Duration
		}{{"while waiting", 50 * time.Millisecond}, {"before the call", 0}} {
			t.Run(bc.name+"/"+when.name, func(t *testing.T) {
				cfg, call, args, after := bc.setup(t)
				h := newHarness(t, cfg)
				if bc.polled {
					for _, e := range h.s.fds.all() {
						e.noNowait.Store(true)
					}
				}
				mem := newCancelMem(t, h.mem, when.after, errStopped)
				if when.after == 0 {
					<-mem.done
				}
				stack := args(h)
				start := time.Now()
				err := h.funcs[call].Call(mem, stack)
				el := time.Since(start)
				if err != errStopped {
					t.Fatalf("%s returned %v (errno %d), want %v", call, err, stack[0], errStopped)
				}
				if el > 2*time.Second {
					t.Errorf("%s returned %v after the cancel", call, el)
				}
				if when.after > 0 && el < when.after/2 {
					t.Errorf("%s returned after %v, before it was cancelled: it did not wait", call, el)
				}
				after(t, h)
			})
		}
	}
}

// countingCanceler is a Canceler that is never done and counts how often
// Done is asked for.
type countingCanceler struct {
	*fakeMem
	asked int
}

func (c *countingCanceler) Done() <-chan struct{} { c.asked++; return make(chan struct{}) }
func (c *countingCanceler) Err() error            { return nil }

// Calls that need not wait do not ask for Done (a lock in the runtime),
// and a nonblocking guest fd still says EAGAIN rather than waiting.
func TestStreamNoWait(t *testing.T) {
	r, w := blockingPipe(t)
	_, out := blockingPipe(t)
	g, peer := socketpair(t)
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/f", []byte("file data"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Stdin: r, Stdout: out, Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}, Sockets: []syscall.Conn{g}})
	const sock = 4 // after the preopen
	c := &countingCanceler{fakeMem: h.mem}
	call := func(name string, args ...uint64) Errno {
		t.Helper()
		if err := h.funcs[name].Call(c, args); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return Errno(args[0])
	}
	fd, e := h.open(3, false, "f", 0, rightFdRead, 0, 0)
	if e != ErrnoSuccess {
		t.Fatal(e)
	}
	w.Write([]byte("pipe data"))
	unix.Write(peer, []byte("socket data"))
	for _, tc := range []struct {
		name string
		fd   uint32
		want string
	}{{"regular file", fd, "file data"}, {"pipe with data", 0, "pipe data"}, {"socket with data", sock, "socket data"}} {
		a := ioArgs(tc.fd, 64)(h)
		if e := call("fd_read", a...); e != ErrnoSuccess {
			t.Fatalf("%s: errno %d", tc.name, e)
		}
		if got := string(h.bytes(h.u32(uint32(a[1])), h.u32(uint32(a[3])))); got != tc.want {
			t.Errorf("%s: read %q", tc.name, got)
		}
	}
	if e := call("fd_write", ioArgs(1, 10)(h)...); e != ErrnoSuccess {
		t.Errorf("write to a pipe with room: errno %d", e)
	}
	if e := call("sock_send", sendArgs(sock, "x")(h)...); e != ErrnoSuccess {
		t.Errorf("send on a socket with room: errno %d", e)
	}
	if c.asked != 0 {
		t.Errorf("Done asked for %d times by calls that did not wait", c.asked)
	}
	h.must("fd_fdstat_set_flags", 0, fdflagNonblock)
	h.must("fd_fdstat_set_flags", sock, fdflagNonblock)
	if e := call("fd_read", ioArgs(0, 64)(h)...); e != ErrnoAgain {
		t.Errorf("nonblocking read of an empty pipe: errno %d", e)
	}
	if e := call("sock_recv", recvArgs(sock, 64, 0)(h)...); e != ErrnoAgain {
		t.Errorf("nonblocking recv on an empty socket: errno %d", e)
	}
}

// A cancellable write moves everything, however many waits that takes, as
// a blocking write does; cancelled part way it reports what it wrote, and
// that is exactly what the reader gets. Both ways of not blocking: pipes
// with RWF_NOWAIT, and poll first then at most PIPE_BUF bytes.
func TestStreamWriteAll(t *testing.T) {
	const size = 300 << 10 // several pipefuls
	for _, polled := range []bool{false, true} {
		for _, cancel := range []bool{false, true} {
			name := map[bool]string{false: "nowait", true: "polled"}[polled] + map[bool]string{false: "", true: "/cancelled"}[cancel]
			t.Run(name, func(t *testing.T) {
				r, w := blockingPipe(t)
				h := newHarness(t, Config{Stdout: w})
				h.s.stdio[1].noNowait.Store(polled)
				// The cancel comes from the reader once it has taken 100
				// KiB, not from a timer: on a loaded host a timer could
				// fire before the reader got that far, and it would then
				// wait for bytes the writer no longer sends.
				c := newCancelMem(t, h.mem, -1, errStopped)
				// The reader takes 100 KiB slowly, then (if cancelling)
				// cancels the write and stops reading.
				got := make(chan int)
				go func() {
					buf := make([]byte, 8<<10)
					n := 0
					for n < size {
						if cancel && n >= 100<<10 {
							close(c.done)
							break
						}
						k, err := r.Read(buf)
						if err != nil {
							break
						}
						n += k
						time.Sleep(time.Millisecond)
					}
					got <- n
				}()
				// One 30 KiB buffer, ten times over: more than the test
				// memory holds.
				buf := h.alloc(size / 10)
				iovs := h.alloc(8 * 10)
				for i := uint32(0); i < 10; i++ {
					binary.LittleEndian.PutUint32(h.mem.b[iovs+8*i:], buf)
					binary.LittleEndian.PutUint32(h.mem.b[iovs+8*i+4:], size/10)
				}
				a := []uint64{1, uint64(iovs), 10, uint64(h.alloc(4))}
				err := h.funcs["fd_write"].Call(c, a)
				if err != nil || a[0] != 0 {
					t.Fatalf("fd_write: %v, errno %d", err, a[0])
				}
				n := int(h.u32(uint32(a[3])))
				read := <-got
				rest := drain(t, rawFd(r))
				switch {
				case !cancel && n != size:
					t.Errorf("wrote %d bytes, want all %d", n, size)
				case cancel && (n < 100<<10 || n >= size):
					t.Errorf("cancelled part way, wrote %d bytes of %d", n, size)
				}
				if read+rest != n {
					t.Errorf("reported %d bytes written, the reader got %d", n, read+rest)
				}
			})
		}
	}
}

// recv_waitall gathers across waits; a cancel after some data arrived
// ends it with that data rather than losing it.
func TestRecvWaitallCancel(t *testing.T) {
	g, peer := socketpair(t)
	h := newHarness(t, Config{Sockets: []syscall.Conn{g}})
	c := newCancelMem(t, h.mem, 300*time.Millisecond, errStopped)
	go func() {
		unix.Write(peer, []byte("ab"))
		time.Sleep(50 * time.Millisecond)
		unix.Write(peer, []byte("cd"))
	}()
	a := recvArgs(sockFd, 8, riflagRecvWaitall)(h)
	if err := h.funcs["sock_recv"].Call(c, a); err != nil || a[0] != 0 {
		t.Fatalf("sock_recv: %v, errno %d", err, a[0])
	}
	if got := string(h.bytes(h.u32(uint32(a[1])), h.u32(uint32(a[4])))); got != "abcd" {
		t.Errorf("waitall got %q, want what arrived before the cancel", got)
	}
}

// Without a Canceler, stream calls block in the kernel as they always did:
// a read waits for its data, a write to a pipe is not capped.
func TestStreamNoCanceler(t *testing.T) {
	r, w := blockingPipe(t)
	outR, outW := blockingPipe(t)
	h := newHarness(t, Config{Stdin: r, Stdout: outW})
	h.via = h.mem
	go func() {
		time.Sleep(50 * time.Millisecond)
		w.Write([]byte("late"))
	}()
	if got := string(h.read(0, 64)); got != "late" {
		t.Errorf("read %q", got)
	}
	if n := h.write(1, make([]byte, 3*pipeBuf)); n != 3*pipeBuf {
		t.Errorf("wrote %d bytes, want all %d", n, 3*pipeBuf)
	}
	if got := drain(t, rawFd(outR)); got != 3*pipeBuf {
		t.Errorf("the pipe got %d bytes", got)
	}
}

// openPTY returns a pseudo-terminal's controller fd and its terminal as a
// file, or skips when the machine has none.
func openPTY(t *testing.T) (ctl int, term *os.File) {
	t.Helper()
	ctl, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { unix.Close(ctl) })
	if err := unix.IoctlSetPointerInt(ctl, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	fd, _, en := unix.Syscall(unix.SYS_IOCTL, uintptr(ctl), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if en != 0 {
		t.Skip("no TIOCGPTPEER:", en)
	}
	term = os.NewFile(fd, "tty")
	t.Cleanup(func() { term.Close() })
	return ctl, term
}

// A tty refuses RWF_NOWAIT: its entry falls back to polling first, and a
// read waiting for a line is cancelled all the same; the line typed later
// is read whole.
func TestTTYCancel(t *testing.T) {
	ctl, term := openPTY(t)
	h := newHarness(t, Config{Stdin: term, Stdout: term})
	c := newCancelMem(t, h.mem, 50*time.Millisecond, errStopped)
	a := ioArgs(0, 64)(h)
	if err := h.funcs["fd_read"].Call(c, a); err != errStopped {
		t.Fatalf("fd_read on a silent tty: %v (errno %d), want %v", err, a[0], errStopped)
	}
	if !h.s.stdio[0].noNowait.Load() {
		t.Log("this kernel takes RWF_NOWAIT on a tty; the poll-first path was not taken")
	}
	unix.Write(ctl, []byte("late\n"))
	if got := string(h.read(0, 64)); got != "late\n" {
		t.Errorf("read after the cancel: %q", got)
	}
	if n := h.write(1, []byte("out\n")); n != 4 {
		t.Errorf("write to the tty: %d", n)
	}
}
