package wasi

import (
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type sub struct {
	userdata uint64
	typ      uint8
	clockID  uint32
	timeout  uint64
	flags    uint16
	fd       uint32
}

type event struct {
	userdata uint64
	errno    Errno
	typ      uint8
	nbytes   uint64
	flags    uint16
}

func (h *harness) poll(subs ...sub) ([]event, Errno) {
	in, out, n := h.pollArgs(subs...)
	e := h.call("poll_oneoff", uint64(in), uint64(out), uint64(len(subs)), uint64(n))
	if e != 0 {
		return nil, e
	}
	var evs []event
	for i := uint32(0); i < h.u32(n); i++ {
		b := h.mem.b[out+i*sizeEvent:]
		evs = append(evs, event{le64(b, 0), Errno(binary.LittleEndian.Uint16(b[8:])), b[10], le64(b, 16), binary.LittleEndian.Uint16(b[24:])})
	}
	return evs, 0
}

// pollArgs places subs in guest memory and returns poll_oneoff's pointer
// arguments: subscriptions, events, nevents.
func (h *harness) pollArgs(subs ...sub) (in, out, n uint32) {
	in = h.alloc(uint32(len(subs)) * sizeSubscription)
	for i, s := range subs {
		b := h.mem.b[in+uint32(i)*sizeSubscription:]
		clear(b[:sizeSubscription])
		binary.LittleEndian.PutUint64(b[0:], s.userdata)
		b[8] = s.typ
		if s.typ == eventtypeClock {
			binary.LittleEndian.PutUint32(b[16:], s.clockID)
			binary.LittleEndian.PutUint64(b[24:], s.timeout)
			binary.LittleEndian.PutUint16(b[40:], s.flags)
		} else {
			binary.LittleEndian.PutUint32(b[16:], s.fd)
		}
	}
	return in, h.alloc(uint32(len(subs)) * sizeEvent), h.alloc(4)
}

func TestPollClocks(t *testing.T) {
	h := newHarness(t, Config{Stdin: strings.NewReader("")})
	for _, tc := range []struct {
		name string
		s    sub
		min  time.Duration
	}{
		{"relative monotonic", sub{userdata: 7, typ: eventtypeClock, clockID: 1, timeout: uint64(20 * time.Millisecond)}, 20 * time.Millisecond},
		{"relative realtime", sub{userdata: 8, typ: eventtypeClock, clockID: 0, timeout: uint64(15 * time.Millisecond)}, 15 * time.Millisecond},
		{"zero timeout", sub{userdata: 9, typ: eventtypeClock, clockID: 1}, 0},
		{"absolute in the past", sub{userdata: 10, typ: eventtypeClock, clockID: 1, timeout: 1, flags: subclockAbstime}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			evs, e := h.poll(tc.s)
			el := time.Since(start)
			if e != 0 || len(evs) != 1 || evs[0].userdata != tc.s.userdata || evs[0].typ != eventtypeClock || evs[0].errno != 0 {
				t.Fatalf("events %+v errno %d", evs, e)
			}
			if el < tc.min || el > tc.min+2*time.Second {
				t.Errorf("took %v, want >= %v", el, tc.min)
			}
		})
	}
	// Absolute monotonic deadline 25ms from now.
	out := h.alloc(8)
	h.must("clock_time_get", 1, 0, uint64(out))
	start := time.Now()
	evs, _ := h.poll(sub{userdata: 1, typ: eventtypeClock, clockID: 1, timeout: h.u64(out) + uint64(25*time.Millisecond), flags: subclockAbstime})
	if el := time.Since(start); len(evs) != 1 || el < 20*time.Millisecond {
		t.Errorf("absolute monotonic: %+v after %v", evs, el)
	}
	// Absolute realtime deadline.
	start = time.Now()
	evs, _ = h.poll(sub{userdata: 2, typ: eventtypeClock, clockID: 0, timeout: uint64(time.Now().Add(20 * time.Millisecond).UnixNano()), flags: subclockAbstime})
	if el := time.Since(start); len(evs) != 1 || el < 15*time.Millisecond {
		t.Errorf("absolute realtime: %+v after %v", evs, el)
	}
	// Of two clocks only the earlier fires.
	evs, _ = h.poll(sub{userdata: 1, typ: eventtypeClock, clockID: 1, timeout: uint64(time.Hour)},
		sub{userdata: 2, typ: eventtypeClock, clockID: 1, timeout: uint64(time.Millisecond)})
	if len(evs) != 1 || evs[0].userdata != 2 {
		t.Errorf("two clocks: %+v", evs)
	}
	// A bad clock id is an event with EINVAL, not a call failure.
	evs, e := h.poll(sub{userdata: 5, typ: eventtypeClock, clockID: 77})
	if e != 0 || len(evs) != 1 || evs[0].errno != ErrnoInval {
		t.Errorf("bad clock: %+v %d", evs, e)
	}
	// CPU-time clocks are accepted.
	evs, _ = h.poll(sub{userdata: 6, typ: eventtypeClock, clockID: 2, timeout: uint64(time.Millisecond)})
	if len(evs) != 1 {
		t.Errorf("process cputime clock: %+v", evs)
	}
	// Malformed calls.
	if _, e := h.poll(); e != ErrnoInval {
		t.Errorf("nsubscriptions 0: %d", e)
	}
	if _, e := h.poll(sub{typ: 3}); e != ErrnoInval {
		t.Errorf("bad tag: %d", e)
	}
	n := h.alloc(4)
	h.expect(ErrnoFault, "poll_oneoff", badPtr, uint64(h.alloc(32)), 1, uint64(n))
	h.expect(ErrnoFault, "poll_oneoff", uint64(h.alloc(48)), badPtr, 1, uint64(n))
	h.expect(ErrnoFault, "poll_oneoff", uint64(h.alloc(48)), uint64(h.alloc(32)), 1, badPtr)
	// A hostile count is refused by bounds, not by allocating.
	h.expect(ErrnoFault, "poll_oneoff", 0, 0, 0xFFFF_FFFF, uint64(n))
}

func TestPollFds(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644)
	var out strings.Builder
	h := newHarness(t, Config{Stdin: pr, Stdout: &out, Preopens: []Preopen{{HostPath: dir, GuestPath: "d"}}})

	// Empty pipe: only the clock fires.
	evs, _ := h.poll(sub{userdata: 1, typ: eventtypeFdRead, fd: 0}, sub{userdata: 2, typ: eventtypeClock, clockID: 1, timeout: uint64(10 * time.Millisecond)})
	if len(evs) != 1 || evs[0].userdata != 2 {
		t.Fatalf("empty pipe: %+v", evs)
	}
	// Data arrives while polling.
	go func() { time.Sleep(10 * time.Millisecond); pw.Write([]byte("abc")) }()
	evs, _ = h.poll(sub{userdata: 1, typ: eventtypeFdRead, fd: 0}, sub{userdata: 2, typ: eventtypeClock, clockID: 1, timeout: uint64(5 * time.Second)})
	if len(evs) != 1 || evs[0].userdata != 1 || evs[0].typ != eventtypeFdRead || evs[0].nbytes != 3 || evs[0].errno != 0 {
		t.Fatalf("readable pipe: %+v", evs)
	}
	if got := string(h.read(0, 10)); got != "abc" {
		t.Errorf("read after poll = %q", got)
	}
	// Regular file: ready at once, nbytes = size - offset.
	f, _ := h.open(3, false, "f", 0, rightFdRead|rightPollFdReadwrite, 0, 0)
	h.read(f, 3)
	evs, _ = h.poll(sub{userdata: 3, typ: eventtypeFdRead, fd: f}, sub{userdata: 4, typ: eventtypeFdWrite, fd: 1})
	if len(evs) != 2 || evs[0].nbytes != 7 || evs[1].userdata != 4 || evs[1].typ != eventtypeFdWrite {
		t.Errorf("file + stdout: %+v", evs)
	}
	// A bad fd and an fd without the poll right are error events.
	nopoll, _ := h.open(3, false, "f", 0, rightFdRead, 0, 0)
	evs, e := h.poll(sub{userdata: 5, typ: eventtypeFdRead, fd: 99}, sub{userdata: 6, typ: eventtypeFdRead, fd: nopoll})
	if e != 0 || len(evs) != 2 || evs[0].errno != ErrnoBadf || evs[1].errno != ErrnoNotcapable {
		t.Errorf("bad fds: %+v %d", evs, e)
	}
	// Writer closed: readable with hangup.
	pw.Close()
	evs, _ = h.poll(sub{userdata: 7, typ: eventtypeFdRead, fd: 0})
	if len(evs) != 1 || evs[0].flags&eventFdReadwriteHangup == 0 {
		t.Errorf("hangup: %+v", evs)
	}
}

func TestPipeReadWrite(t *testing.T) {
	inR, inW, _ := os.Pipe()
	outR, outW, _ := os.Pipe()
	defer inR.Close()
	defer outR.Close()
	h := newHarness(t, Config{Stdin: inR, Stdout: outW})
	// Guest nonblock on an empty pipe: EAGAIN instead of blocking.
	h.must("fd_fdstat_set_flags", 0, fdflagNonblock)
	ip, ic, _ := h.iov(make([]byte, 8))
	n := h.alloc(4)
	h.expect(ErrnoAgain, "fd_read", 0, ip, ic, uint64(n))
	h.must("fd_fdstat_set_flags", 0, 0)
	// Positioned I/O on a pipe.
	h.expect(ErrnoSpipe, "fd_pread", 0, ip, ic, 0, uint64(n))
	inW.Write([]byte("from host"))
	inW.Close()
	if got := string(h.read(0, 64)); got != "from host" {
		t.Errorf("stdin pipe read %q", got)
	}
	if got := h.read(0, 64); len(got) != 0 {
		t.Errorf("read at EOF %q", got)
	}
	h.write(1, []byte("to "), []byte("host"))
	outW.Close()
	b := make([]byte, 64)
	nr, _ := outR.Read(b)
	if string(b[:nr]) != "to host" {
		t.Errorf("stdout pipe got %q", b[:nr])
	}
	st := h.alloc(24)
	h.must("fd_fdstat_get", 0, uint64(st))
	if h.mem.b[st] != filetypeUnknown { // FIFOs have no WASI type (wasmtime agrees)
		t.Errorf("pipe filetype %d", h.mem.b[st])
	}
}

func TestSockets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback TCP:", err)
	}
	defer ln.Close()
	h := newHarness(t, Config{Sockets: []syscall.Conn{ln.(*net.TCPListener)}})
	const lfd = 3 // no preopens, so the listener is fd 3

	st := h.alloc(24)
	h.must("fd_fdstat_get", lfd, uint64(st))
	if h.mem.b[st] != filetypeSocketStream || h.u64(st+8)&rightSockAccept == 0 {
		t.Errorf("listener fdstat % x", h.bytes(st, 24))
	}
	if e := h.call("fd_prestat_get", lfd, uint64(st)); e != ErrnoBadf {
		t.Errorf("listener is not a preopen: %d", e)
	}
	out := h.alloc(4)
	// Nonblocking accept with nobody connecting.
	h.must("fd_fdstat_set_flags", lfd, fdflagNonblock)
	h.expect(ErrnoAgain, "sock_accept", lfd, 0, uint64(out))
	h.must("fd_fdstat_set_flags", lfd, 0)
	h.expect(ErrnoInval, "sock_accept", lfd, fdflagAppend, uint64(out))
	h.expect(ErrnoFault, "sock_accept", lfd, 0, badPtr)

	connc := make(chan net.Conn, 1)
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Error(err)
			close(connc)
			return
		}
		c.Write([]byte("ping"))
		connc <- c
	}()
	// Blocking accept waits for the client even though Go made the
	// listener O_NONBLOCK.
	h.must("sock_accept", lfd, 0, uint64(out))
	cfd := h.u32(out)
	client := <-connc
	if client == nil {
		t.FailNow()
	}
	defer client.Close()

	evs, _ := h.poll(sub{userdata: 1, typ: eventtypeFdRead, fd: cfd})
	if len(evs) != 1 || evs[0].nbytes != 4 {
		t.Errorf("poll socket: %+v", evs)
	}
	recv := func(n int, flags uint64) (string, uint16, Errno) {
		ip, ic, ptrs := h.iov(make([]byte, n))
		dl, fl := h.alloc(4), h.alloc(4)
		e := h.call("sock_recv", uint64(cfd), ip, ic, flags, uint64(dl), uint64(fl))
		return string(h.bytes(ptrs[0], h.u32(dl))), h.u16(fl), e
	}
	if got, _, e := recv(16, riflagRecvPeek); e != 0 || got != "ping" {
		t.Errorf("peek %q %d", got, e)
	}
	if got, _, e := recv(2, 0); e != 0 || got != "pi" {
		t.Errorf("recv %q %d", got, e)
	}
	if got, _, e := recv(2, riflagRecvWaitall); e != 0 || got != "ng" {
		t.Errorf("recv waitall %q %d", got, e)
	}
	if _, _, e := recv(2, 4); e != ErrnoInval {
		t.Errorf("bad riflags %d", e)
	}
	ip, ic, _ := h.iov([]byte("po"), []byte("ng"))
	h.must("sock_send", uint64(cfd), ip, ic, 0, uint64(out))
	if h.u32(out) != 4 {
		t.Errorf("sent %d", h.u32(out))
	}
	h.expect(ErrnoInval, "sock_send", uint64(cfd), ip, ic, 1, uint64(out))
	b := make([]byte, 8)
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _ := client.Read(b); string(b[:n]) != "pong" {
		t.Errorf("client got %q", b[:n])
	}
	// fd_write/fd_read work on sockets too.
	h.write(cfd, []byte("!"))
	client.Read(b[:1])
	h.expect(ErrnoInval, "sock_shutdown", uint64(cfd), 0)
	h.expect(ErrnoInval, "sock_shutdown", uint64(cfd), 4)
	h.must("sock_shutdown", uint64(cfd), sdflagWR)
	if n, err := client.Read(b); n != 0 || err == nil {
		t.Errorf("client read after shutdown: %d %v", n, err)
	}
	// Socket calls on non-sockets.
	h.expect(ErrnoNotsock, "sock_shutdown", 1, sdflagRD)
	h.expect(ErrnoNotsock, "sock_shutdown", 0, 9)
	h.expect(ErrnoBadf, "sock_send", 42, ip, ic, 0, uint64(out))
	h.expect(ErrnoFault, "sock_send", uint64(cfd), ip, ic, 0, badPtr)
	h.expect(ErrnoFault, "sock_recv", uint64(cfd), badPtr, 1, 0, uint64(out), uint64(out))
	h.expect(ErrnoFault, "sock_recv", uint64(cfd), ip, ic, 0, uint64(out), badPtr)
	// Rights are still checked on a real socket.
	h.must("fd_fdstat_set_rights", uint64(cfd), rightFdRead, 0)
	h.expect(ErrnoNotcapable, "sock_shutdown", uint64(cfd), sdflagRD)
	h.must("fd_close", uint64(cfd))
}
