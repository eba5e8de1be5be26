package wasi

import (
	"errors"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/monoclock"
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

// ioMode is how one attempt at a stream call is made.
type ioMode uint8

const (
	// ioBlock is the plain call, which may block: the call cannot be
	// cancelled, or the fd is a file, which never waits.
	ioBlock ioMode = iota
	// ioDontwait is a socket call with MSG_DONTWAIT, nonblocking for that
	// call only; O_NONBLOCK would change the description, which a socket
	// handed in shares with the embedder (a shell's stdin with the shell).
	ioDontwait
	// ioNowait is preadv2/pwritev2 with RWF_NOWAIT, the same for pipes and
	// FIFOs (Linux 5.x on; a tty, some devices and older kernels refuse
	// it, and their entry falls back to ioPolled for good).
	ioNowait
	// ioPolled is the plain call made once the fd polled ready, for fds
	// with neither (ttys, accept): a read then returns what is there, and a
	// write that takes at most pipeBuf bytes does not block.
	ioPolled
)

// streamIO makes one read, write or accept (op) on host fd of entry e for
// a guest call, such that the call can be cancelled while it waits. mode
// is how to try without blocking: ioDontwait, ioNowait or ioPolled.
//
// With no Canceler, or on a regular file, it is hostIO with op(ioBlock):
// no system call is added. Otherwise op never blocks in the kernel; the
// waiting is done in poll(2) on fd together with an eventfd that turns
// readable when c's Done closes (as in poll_oneoff), so a stop, a timeout
// or a kill ends the wait at once: cancelled is true and nothing was read
// or written, so the data stays in the pipe or socket and the fd stays
// usable. A guest nonblock fd gets EAGAIN instead of the wait.
//
// In ioPolled mode another reader or writer of the same pipe can still take
// the data or the room between the poll and op and leave op blocked (a
// host fd in O_NONBLOCK mode answers EAGAIN then, and the wait resumes);
// such a race is the only way op blocks.
func streamIO(e *fdEntry, fd int, events int16, c Canceler, mode ioMode, op func(ioMode) (int, error)) (n int, cancelled bool, err error) {
	nonblock := e.fdflags()&fdflagNonblock != 0
	if c == nil || !mayBlock(e.ftype) {
		n, err = hostIO(fd, events, nonblock, func() (int, error) { return op(ioBlock) })
		return n, false, err
	}
	if mode == ioNowait && e.noNowait.Load() {
		mode = ioPolled
	}
	var w *waker
	defer func() {
		if w != nil {
			w.close()
		}
	}()
	for {
		if mode != ioPolled || pollReady(fd, events) {
			n, err = op(mode)
			switch {
			case err == unix.EINTR:
				continue
			case mode == ioNowait && (err == unix.EOPNOTSUPP || err == unix.EINVAL || err == unix.ENOSYS):
				// No RWF_NOWAIT for this fd or kernel. (A real EINVAL
				// comes back from the plain call just the same.)
				e.noNowait.Store(true)
				mode = ioPolled
				continue
			case err != unix.EAGAIN || nonblock:
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

// streamAll is streamIO for all of iov: a write, or a recv_waitall. When
// the call can wait (a Canceler, a stream, guest blocking mode) it goes on
// until iov is full or done, as write(2) and MSG_WAITALL do on a blocking
// fd, in as many attempts as that takes, each wait cancellable; cancelled
// or failing part way, it reports what it moved (as write(2) interrupted
// by a signal does), which is then the guest's. op moves iov: at most
// ioChunk bytes of it at a time when there is a Canceler, which is asked
// between attempts once that much has moved, and in ioPolled mode a write
// at most pipeBuf bytes.
func streamAll(e *fdEntry, fd int, events int16, c Canceler, mode ioMode, iov [][]byte, op func([][]byte, ioMode) (int, error)) (n int, cancelled bool, err error) {
	want := int(totalLen(iov))
	loop := c != nil && mayBlock(e.ftype) && e.fdflags()&fdflagNonblock == 0
	for {
		got, cancelled, err := streamIO(e, fd, events, c, mode, func(m ioMode) (int, error) {
			if m == ioPolled && events == unix.POLLOUT {
				return op(capIov(iov, pipeBuf), m)
			}
			if c != nil {
				return op(capIov(iov, ioChunk), m)
			}
			return op(iov, m)
		})
		if n > 0 && (cancelled || err != nil) {
			return n, false, nil
		}
		if cancelled || err != nil {
			return 0, cancelled, err
		}
		n += got
		if !loop || got == 0 || n >= want || n >= ioChunk && cancelledNow(c) {
			return n, false, nil
		}
		iov = skipIov(iov, got)
	}
}

// ioChunk is the most one system call of a guest's read or write moves.
// A guest may hand fd_read or fd_write iovecs of gigabytes; one read(2) of
// 1 GiB from /dev/zero into untouched guest memory took 7.9 s on the
// development VM, in the kernel, where neither a timeout nor a kill
// reaches it. Cut into chunks, the call looks at its Canceler between
// them, so a stop lands within one chunk's time (a few milliseconds).
const ioChunk = 1 << 20

// cancelledNow says whether c's Done is closed. It is asked only between
// chunks, so calls that move less than ioChunk never ask (Done may take a
// lock or make the channel in the runtime).
func cancelledNow(c Canceler) bool {
	if c == nil {
		return false
	}
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// chunked moves iov with op (handed at most ioChunk bytes at a time and
// how many bytes earlier chunks moved, for a positioned call's offset)
// until iov is done, op moves less than it was handed (end of file, a
// full disk), fails, or c is cancelled. As with streamAll, what was moved
// before a failure or a cancellation is reported as a short count, which
// is then the guest's; cancelled with nothing moved, cancelled is true.
func chunked(c Canceler, iov [][]byte, op func(part [][]byte, at int) (int, error)) (n int, cancelled bool, err error) {
	want := int(totalLen(iov))
	for {
		part := capIov(iov, ioChunk)
		got, err := op(part, n)
		if err != nil {
			if n > 0 {
				return n, false, nil
			}
			return 0, false, err
		}
		n += got
		if n >= want || got < int(totalLen(part)) {
			return n, false, nil
		}
		if cancelledNow(c) {
			return n, false, nil
		}
		iov = skipIov(iov, got)
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
		if len(b) > limit {
			out := make([][]byte, i+1)
			copy(out, iov[:i])
			out[i] = b[:limit]
			return out
		}
		limit -= len(b)
	}
	return iov
}

// skipIov drops the first n bytes of iov (what one attempt moved).
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

// monoNow reads CLOCK_MONOTONIC, for clock_time_get and poll deadlines
// alike (so a guest's absolute deadline is on the clock poll checks). It is
// the runtime's own reading, through the vDSO: unix.ClockGettime is a real
// system call, microseconds in a VM, and guests read this clock often.
func monoNow() time.Duration { return time.Duration(monoclock.Now()) }
