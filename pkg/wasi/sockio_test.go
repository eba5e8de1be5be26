package wasi

import (
	"bytes"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// recvmsg answers as unix.RecvmsgBuffers does (bytes, flags, errors), for
// stream and datagram sockets, empty buffers, a truncated datagram, a peek
// and an empty nonblocking socket.
func TestRecvmsgMatchesUnix(t *testing.T) {
	for _, c := range []struct {
		name  string
		typ   int
		send  string
		sizes []int
		flags int
	}{
		{"stream", unix.SOCK_STREAM, "hello", []int{2, 0, 8}, 0},
		{"dgram truncated", unix.SOCK_DGRAM, "hello world", []int{0, 3, 2}, 0},
		{"dgram peek", unix.SOCK_DGRAM, "peek", []int{8}, unix.MSG_PEEK},
		{"no buffers", unix.SOCK_DGRAM, "x", nil, 0},
		{"empty", unix.SOCK_STREAM, "", []int{4}, unix.MSG_DONTWAIT},
	} {
		t.Run(c.name, func(t *testing.T) {
			type result struct {
				n, flags int
				err      error
				data     []byte
			}
			var got, want result
			for i, recv := range []func(fd int, bufs [][]byte) result{
				func(fd int, bufs [][]byte) result {
					n, fl, err := recvmsg(fd, bufs, c.flags)
					return result{n: n, flags: fl, err: err}
				},
				func(fd int, bufs [][]byte) result {
					n, _, fl, _, err := unix.RecvmsgBuffers(fd, bufs, nil, c.flags)
					return result{n: n, flags: fl, err: err}
				},
			} {
				fds, err := unix.Socketpair(unix.AF_UNIX, c.typ|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				if c.send != "" {
					if _, err := unix.Write(fds[0], []byte(c.send)); err != nil {
						t.Fatal(err)
					}
				}
				var bufs [][]byte
				for _, n := range c.sizes {
					bufs = append(bufs, make([]byte, n))
				}
				r := recv(fds[1], bufs)
				r.data = bytes.Join(bufs, nil)
				unix.Close(fds[0])
				unix.Close(fds[1])
				if i == 0 {
					got = r
				} else {
					want = r
				}
			}
			if got.n != want.n || got.flags != want.flags || got.err != want.err || !bytes.Equal(got.data, want.data) {
				t.Errorf("recvmsg: %d bytes %q, flags %#x, err %v; unix.RecvmsgBuffers: %d bytes %q, flags %#x, err %v",
					got.n, got.data, got.flags, got.err, want.n, want.data, want.flags, want.err)
			}
		})
	}
}

// accept4 returns a working connection with the flags asked for, and
// EAGAIN (as an Errno, for hostIO's comparisons) when none is waiting.
func TestAccept4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sock")
	l, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(l)
	if err := unix.Bind(l, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(l, 1); err != nil {
		t.Fatal(err)
	}
	if fd, err := accept4(l, unix.SOCK_CLOEXEC); fd != -1 || err != unix.EAGAIN {
		t.Fatalf("accept4 with nothing waiting: %d, %v; want -1, EAGAIN", fd, err)
	}
	c, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(c)
	if err := unix.Connect(c, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	fd, err := accept4(l, unix.SOCK_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || fl&unix.FD_CLOEXEC == 0 {
		t.Errorf("accepted fd flags %#x, %v: want FD_CLOEXEC", fl, err)
	}
	if _, err := unix.Write(c, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	if n, err := unix.Read(fd, b); err != nil || string(b[:n]) != "hi" {
		t.Errorf("read from the accepted connection: %q, %v", b[:n], err)
	}
}
