package wasi

import (
	"time"

	"golang.org/x/sys/unix"
)

// Opening a FIFO. open(2) of a FIFO in blocking mode waits in the kernel
// for the other end: O_RDONLY until a writer opens it, O_WRONLY until a
// reader does. A guest that opens a FIFO beneath its preopen that nobody
// else opens would hold the host call there for ever, out of reach of a
// timeout, CallContext or a kill (wasmtime waits the same way, on a
// blocking thread). So path_open always opens nonblocking and emulates
// the wait where the call's Canceler reaches it:
//
//   - O_WRONLY: the open fails with ENXIO while there is no reader;
//     openFIFOWriter retries it, sleeping between tries, until a reader
//     comes or the call is cancelled.
//   - O_RDONLY: the open succeeds at once; a read before any writer came
//     returns 0 (end of file) where the blocking open would still be
//     waiting. fifoRead tells that 0 from a real end of file and waits.
//   - O_RDWR never waits on Linux.
//
// A guest that asked for nonblock gets POSIX's nonblocking open as is
// (ENXIO for a writer without a reader).

// errnoNxio is WASI's nxio, what a nonblocking open of a FIFO without a
// reader answers (unexported: the exported Errno names are the ones this
// package's callers compare against).
const errnoNxio Errno = 60

// openFIFOWriter is path_open's O_WRONLY open (flags, nonblocking) once
// it failed with ENXIO: if path is a FIFO, it retries until a reader has
// the FIFO open or the call is cancelled. A device file without its device
// also answers ENXIO, and would not have waited: that stays ENXIO.
func (c *call) openFIFOWriter(dirfd int, path string, flags int, follow bool) (int, Errno) {
	pfd, errno := c.s.openBeneath(dirfd, path, unix.O_PATH, 0, follow)
	if errno != ErrnoSuccess {
		return -1, errnoNxio
	}
	var st unix.Stat_t
	err := unix.Fstat(pfd, &st)
	unix.Close(pfd)
	if err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return -1, errnoNxio
	}
	var done <-chan struct{}
	if cn := c.canceler(); cn != nil {
		done = cn.Done()
	}
	// A reader's arrival cannot be polled for; the delay bounds how late
	// the open notices it (1 ms, doubling to 50 ms).
	delay := time.Millisecond
	for {
		t := time.NewTimer(delay)
		select {
		case <-done:
			t.Stop()
			return -1, errnoCancelled
		case <-t.C:
		}
		hfd, errno := c.s.openBeneath(dirfd, path, flags, 0o666, follow)
		if errno != errnoNxio {
			return hfd, errno
		}
		if delay < 50*time.Millisecond {
			delay *= 2
		}
	}
}

// fifoNoWriterYet is called after a read of FIFO reader fd returned 0. It
// says whether that was because no writer has opened the FIFO since fd was
// opened (the read should wait, as the blocking open would have), and
// whether data has come since (the read should be made again). Linux
// reports POLLHUP on a FIFO reader only once a writer has come and gone
// (it suppresses the hangup of a reader opened before any writer), so
// neither POLLIN nor POLLHUP means no writer yet.
func fifoNoWriterYet(fd int) (wait, again bool) {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(pfd, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return false, false
		case n == 0:
			return true, false
		}
		return false, pfd[0].Revents&unix.POLLIN != 0
	}
}

// fifoRead makes read (one stream read, see fdIO) on FIFO reader fd
// until it returns data, a real end of file, an error or is cancelled:
// a 0 before any writer came waits for one (see above).
func fifoRead(fd int, cn Canceler, read func() (int, bool, error)) (n int, cancelled bool, err error) {
	var w *waker
	defer func() {
		if w != nil {
			w.close()
		}
	}()
	for {
		n, cancelled, err = read()
		if n != 0 || cancelled || err != nil {
			return n, cancelled, err
		}
		wait, again := fifoNoWriterYet(fd)
		switch {
		case again:
			continue
		case !wait:
			return 0, false, nil
		case cn == nil:
			waitFD(fd, unix.POLLIN)
		default:
			if cancelled, err = waitCancel(fd, unix.POLLIN, cn, &w); cancelled || err != nil {
				return 0, cancelled, err
			}
		}
	}
}
