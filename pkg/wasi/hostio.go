package wasi

import (
	"errors"
	"io"
	"os"
	"time"
	_ "unsafe" // go:linkname

	"golang.org/x/sys/unix"
)

// Guest nonblock is emulated instead of set on the host description: a
// socket handed in through Config shares its description (and O_NONBLOCK,
// which Go's net package always sets) with the embedder, so flipping it
// would change the embedder's socket too. hostIO therefore copes with both
// mismatches: a guest-blocking call on a host-nonblocking fd waits in poll
// on EAGAIN, and a guest-nonblocking call on a host-blocking fd checks
// readiness first and reports EAGAIN itself.
func hostIO(fd int, events int16, nonblock bool, op func() (int, error)) (int, error) {
	if nonblock && !pollReady(fd, events) {
		return 0, unix.EAGAIN
	}
	for {
		n, err := op()
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN && !nonblock:
			waitFD(fd, events)
			continue
		}
		return n, err
	}
}

// eintr retries a syscall interrupted by a signal. Go's runtime signals
// threads for preemption, and on FUSE/NFS even fsync or mkdir can see EINTR;
// os does the same retry internally.
func eintr(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// pollReady reports whether fd is ready now. Regular files always are.
func pollReady(fd int, events int16) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(pfd, 0)
		if err == unix.EINTR {
			continue
		}
		// On a poll error let the real operation report it.
		return err != nil || n > 0
	}
}

func waitFD(fd int, events int16) {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		_, err := unix.Poll(pfd, -1)
		if err != unix.EINTR {
			return
		}
	}
}

// readStream serves fd_read on a stdio stream that is a plain io.Reader.
// Only the first non-empty buffer is filled, which is a legal short read and
// avoids blocking a second time on an interactive stream.
func readStream(r io.Reader, iov [][]byte) (int, Errno) {
	for _, b := range iov {
		if len(b) == 0 {
			continue
		}
		n, err := r.Read(b)
		if err != nil && n == 0 && !errors.Is(err, io.EOF) {
			return 0, streamErrno(err)
		}
		return n, ErrnoSuccess
	}
	return 0, ErrnoSuccess
}

func writeStream(w io.Writer, iov [][]byte) (int, Errno) {
	total := 0
	for _, b := range iov {
		if len(b) == 0 {
			continue
		}
		n, err := w.Write(b)
		total += n
		if err != nil {
			if total > 0 {
				return total, ErrnoSuccess
			}
			return 0, streamErrno(err)
		}
	}
	return total, ErrnoSuccess
}

// streamErrno maps an error from a caller-supplied Reader/Writer: a host
// errno if there is one underneath (EPIPE on a closed pipe), EIO otherwise.
func streamErrno(err error) Errno {
	if errors.Is(err, os.ErrClosed) {
		return ErrnoBadf
	}
	return toErrno(err)
}

// monoNow reads CLOCK_MONOTONIC, for clock_time_get and poll deadlines
// alike (so a guest's absolute deadline is on the clock poll checks). It is
// the runtime's own reading, through the vDSO: unix.ClockGettime is a real
// system call, microseconds in a VM, and guests read this clock often.
func monoNow() time.Duration { return time.Duration(nanotime()) }

//go:linkname nanotime runtime.nanotime
func nanotime() int64
