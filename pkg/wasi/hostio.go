package wasi

import (
	"errors"
	"io"
	"os"
	"time"

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

// mayBlock reports whether I/O on a host fd of type ft can wait: streams
// (pipes and FIFOs, which WASI types unknown; sockets; character devices
// such as ttys) can, regular files, block devices and directories never do.
func mayBlock(ft uint8) bool {
	switch ft {
	case filetypeRegularFile, filetypeBlockDevice, filetypeDirectory:
		return false
	}
	return true
}

// pipeBuf is PIPE_BUF: a pipe that polls writable takes this much in one
// write(2) without blocking (one free page-sized slot holds it).
const pipeBuf = 4096

// streamIO runs op, one read, write or accept on host fd (of type ft) for a
// guest call, so that the call can be cancelled while it waits. nonblock is
// the guest's fdflag: EAGAIN instead of waiting.
//
// With no Canceler, or on a regular file, it is hostIO: no system call is
// added. Otherwise op never blocks in the kernel; the waiting is done in
// poll(2) on fd together with an eventfd that turns readable when c's Done
// closes (as in poll_oneoff), so a stop, a timeout or a kill ends the wait
// at once: cancelled is true and nothing was read or written, so the data
// stays in the pipe or socket and the fd stays usable. How op avoids
// blocking:
//   - sockDontwait: op is a socket call that honours MSG_DONTWAIT, which
//     makes that one call nonblocking (O_NONBLOCK on the description would
//     change the embedder's socket too). It is tried first; EAGAIN waits.
//   - otherwise (pipes, ttys, accept): poll(fd, 0) first and call op only
//     once fd is ready. A read then returns what is there; a write must be
//     at most pipeBuf bytes (fdWrite caps it) to be sure not to block on a
//     pipe. Another reader or writer of the same pipe can still take the
//     data or the room between the poll and op and leave op blocked (a
//     host fd in O_NONBLOCK mode answers EAGAIN then, and the wait
//     resumes); such a race is the only way op blocks.
func streamIO(fd int, ft uint8, events int16, nonblock bool, c Canceler, sockDontwait bool, op func(dontwait bool) (int, error)) (n int, cancelled bool, err error) {
	if c == nil || !mayBlock(ft) {
		n, err = hostIO(fd, events, nonblock, func() (int, error) { return op(false) })
		return n, false, err
	}
	var w *waker
	defer func() {
		if w != nil {
			w.close()
		}
	}()
	for {
		if sockDontwait || pollReady(fd, events) {
			n, err = op(sockDontwait)
			if err == unix.EINTR {
				continue
			}
			if err != unix.EAGAIN || nonblock {
				return n, false, err
			}
		} else if nonblock {
			return 0, false, unix.EAGAIN
		}
		if cancelled, err = waitCancel(fd, events, c, &w); cancelled || err != nil {
			return 0, cancelled, err
		}
	}
}

// waitCancel waits until fd is ready for events (or has hung up, failed or
// been closed: op reports those) or until c's Done closes, which says
// cancelled. *w is the waker of that Done, made on the first wait that
// needs one and closed by the caller.
func waitCancel(fd int, events int16, c Canceler, w **waker) (cancelled bool, err error) {
	done := c.Done()
	if done == nil {
		// This call cannot be cancelled.
		waitFD(fd, events)
		return false, nil
	}
	select {
	case <-done:
		return true, nil
	default:
	}
	if *w == nil {
		if *w, err = newWaker(done); err != nil {
			// Out of host fds: fail rather than wait where a stop
			// cannot reach.
			return false, err
		}
	}
	pfds := []unix.PollFd{{Fd: int32(fd), Events: events}, {Fd: int32((*w).fd), Events: unix.POLLIN}}
	for {
		if _, err = unix.Poll(pfds, -1); err != unix.EINTR {
			break
		}
	}
	select {
	case <-done:
		// Stopping the guest wins over the fd turning ready with it.
		return true, nil
	default:
	}
	return false, err
}

// capIov trims iov to at most limit bytes in all.
func capIov(iov [][]byte, limit int) [][]byte {
	for i, b := range iov {
		if len(b) >= limit {
			out := make([][]byte, i+1)
			copy(out, iov[:i])
			out[i] = b[:limit]
			return out
		}
		limit -= len(b)
	}
	return iov
}

// skipIov drops the first n bytes of iov (what a short read filled).
func skipIov(iov [][]byte, n int) [][]byte {
	for len(iov) > 0 && n >= len(iov[0]) {
		n -= len(iov[0])
		iov = iov[1:]
	}
	if len(iov) > 0 && n > 0 {
		iov = append([][]byte{iov[0][n:]}, iov[1:]...)
	}
	return iov
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

// monoNow reads CLOCK_MONOTONIC; poll deadlines use it.
func monoNow() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return time.Duration(ts.Nano())
}
