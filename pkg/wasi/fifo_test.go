package wasi

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fifoHarness is a harness whose preopen (fd 3) holds a FIFO named "f".
// Cleanup opens both ends of the FIFO nonblocking and keeps them open a
// moment, so that a path_open still blocked in the kernel (the bug this
// guards against) returns and the test binary can end.
func fifoHarness(t *testing.T) (*harness, string) {
	h, dir := newDirHarness(t)
	fifo := filepath.Join(dir, "f")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	t.Cleanup(func() {
		r, err := unix.Open(fifo, unix.O_RDONLY|unix.O_NONBLOCK, 0)
		if err != nil {
			return
		}
		w, _ := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK, 0)
		time.Sleep(20 * time.Millisecond)
		unix.Close(w)
		unix.Close(r)
	})
	return h, fifo
}

// callWithin runs a host function with memory mem and fails the test if
// it has not returned within limit: a call blocked in the kernel must fail
// the test, not hang it.
func callWithin(t *testing.T, h *harness, mem Memory, limit time.Duration, name string, args ...uint64) (Errno, error, time.Duration) {
	t.Helper()
	stack := make([]uint64, max(len(args), 1))
	copy(stack, args)
	type result struct {
		err error
		el  time.Duration
	}
	ch := make(chan result, 1)
	start := time.Now()
	go func() {
		err := h.funcs[name].Call(mem, stack)
		ch <- result{err, time.Since(start)}
	}()
	select {
	case r := <-ch:
		return Errno(stack[0]), r.err, r.el
	case <-time.After(limit):
		t.Fatalf("%s still blocked after %v", name, limit)
		return 0, nil, 0
	}
}

func openArgs(h *harness, path string, base uint64, fdflags uint32) ([]uint64, uint32) {
	pp, pl := h.str(path)
	out := h.alloc(4)
	return []uint64{3, 0, pp, pl, 0, base, 0, uint64(fdflags), uint64(out)}, out
}

// TestPathOpenFIFO: a guest's path_open of a FIFO no one else opens, and
// its first read, wait where the call's Canceler reaches them (a timeout
// or kill ends them at once), and otherwise keep POSIX's blocking-open
// semantics: a writer's open waits for a reader, a reader sees what the
// first writer writes, and end of file only once a writer has come and
// gone.
func TestPathOpenFIFO(t *testing.T) {
	const limit = 5 * time.Second
	cases := []struct {
		name string
		run  func(t *testing.T, h *harness, fifo string)
	}{
		{"writer, no reader, cancelled", func(t *testing.T, h *harness, fifo string) {
			mem := newCancelMem(t, h.mem, 100*time.Millisecond, errStopped)
			args, _ := openArgs(h, "f", rightFdWrite, 0)
			_, err, el := callWithin(t, h, mem, limit, "path_open", args...)
			if err != errStopped {
				t.Fatalf("path_open: %v, want %v", err, errStopped)
			}
			if el < 50*time.Millisecond {
				t.Errorf("path_open returned after %v, before the cancel: it did not wait for a reader", el)
			}
		}},
		{"reader, no writer, read cancelled", func(t *testing.T, h *harness, fifo string) {
			args, out := openArgs(h, "f", rightFdRead, 0)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d, %v", e, err)
			}
			fd := h.u32(out)
			mem := newCancelMem(t, h.mem, 100*time.Millisecond, errStopped)
			ip, ic, _ := h.iov(make([]byte, 16))
			_, err, el := callWithin(t, h, mem, limit, "fd_read", uint64(fd), ip, ic, uint64(h.alloc(4)))
			if err != errStopped {
				t.Fatalf("fd_read: %v, want %v (a read before any writer is not end of file)", err, errStopped)
			}
			if el < 50*time.Millisecond {
				t.Errorf("fd_read returned after %v, before the cancel", el)
			}
		}},
		{"writer waits for a reader", func(t *testing.T, h *harness, fifo string) {
			got := make(chan string, 1)
			go func() {
				time.Sleep(50 * time.Millisecond)
				f, err := os.Open(fifo)
				if err != nil {
					got <- err.Error()
					return
				}
				defer f.Close()
				b := make([]byte, 16)
				n, _ := f.Read(b)
				got <- string(b[:n])
			}()
			args, out := openArgs(h, "f", rightFdWrite, 0)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d, %v", e, err)
			}
			h.write(h.u32(out), []byte("hi"))
			if s := <-got; s != "hi" {
				t.Errorf("reader got %q", s)
			}
		}},
		{"reader sees the first writer's data, then end of file", func(t *testing.T, h *harness, fifo string) {
			args, out := openArgs(h, "f", rightFdRead, 0)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d, %v", e, err)
			}
			go func() {
				time.Sleep(50 * time.Millisecond)
				if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
					f.Write([]byte("hello"))
					f.Close()
				}
			}()
			fd := h.u32(out)
			if s := string(h.read(fd, 16)); s != "hello" {
				t.Errorf("first read %q, want hello", s)
			}
			if s := string(h.read(fd, 16)); s != "" {
				t.Errorf("second read %q, want end of file", s)
			}
		}},
		{"reader, writer comes and goes without writing: end of file", func(t *testing.T, h *harness, fifo string) {
			args, out := openArgs(h, "f", rightFdRead, 0)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d, %v", e, err)
			}
			go func() {
				time.Sleep(50 * time.Millisecond)
				if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
					f.Close()
				}
			}()
			ip, ic, _ := h.iov(make([]byte, 16))
			n := h.alloc(4)
			e, err, _ := callWithin(t, h, h.via, limit, "fd_read", uint64(h.u32(out)), ip, ic, uint64(n))
			if err != nil || e != ErrnoSuccess || h.u32(n) != 0 {
				t.Errorf("fd_read: errno %d, %v, %d bytes; want end of file", e, err, h.u32(n))
			}
		}},
		{"nonblock writer, no reader: ENXIO at once", func(t *testing.T, h *harness, fifo string) {
			args, _ := openArgs(h, "f", rightFdWrite, fdflagNonblock)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != errnoNxio {
				t.Errorf("path_open: errno %d, %v; want %d", e, err, errnoNxio)
			}
		}},
		{"nonblock reader, no writer: EAGAIN or 0 bytes at once", func(t *testing.T, h *harness, fifo string) {
			args, out := openArgs(h, "f", rightFdRead, fdflagNonblock)
			if e, err, _ := callWithin(t, h, h.via, limit, "path_open", args...); err != nil || e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d, %v", e, err)
			}
			ip, ic, _ := h.iov(make([]byte, 16))
			n := h.alloc(4)
			e, err, _ := callWithin(t, h, h.via, limit, "fd_read", uint64(h.u32(out)), ip, ic, uint64(n))
			if err != nil || e != ErrnoAgain && (e != ErrnoSuccess || h.u32(n) != 0) {
				t.Errorf("fd_read: errno %d, %v, %d bytes; want EAGAIN or 0 bytes", e, err, h.u32(n))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, fifo := fifoHarness(t)
			tc.run(t, h, fifo)
		})
	}
}

// TestPathOpenBlockingMode: path_open opens every file nonblocking in the
// host (see fifo.go) and puts the description back in blocking mode unless
// the guest asked for nonblock; O_APPEND survives the change.
func TestPathOpenBlockingMode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fdflags uint32
		want    int
	}{
		{"plain", 0, 0},
		{"append", fdflagAppend, unix.O_APPEND},
		{"nonblock", fdflagNonblock, unix.O_NONBLOCK},
		{"append nonblock", fdflagAppend | fdflagNonblock, unix.O_APPEND | unix.O_NONBLOCK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, dir := newDirHarness(t)
			if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			fd, e := h.open(3, false, "x", 0, rightFdRead|rightFdWrite, 0, tc.fdflags)
			if e != ErrnoSuccess {
				t.Fatalf("path_open: errno %d", e)
			}
			ent, ok := h.s.fds.get(fd)
			if !ok {
				t.Fatal("no entry")
			}
			fl, err := unix.FcntlInt(uintptr(ent.fd), unix.F_GETFL, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := fl & (unix.O_APPEND | unix.O_NONBLOCK); got != tc.want {
				t.Errorf("host flags %#x, want %#x", got, tc.want)
			}
		})
	}
}
