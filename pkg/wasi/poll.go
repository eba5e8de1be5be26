package wasi

import (
	"math"
	"time"

	"golang.org/x/sys/unix"
)

// maxSubscriptions bounds one poll_oneoff call. Each subscription costs
// host memory (a pollfd and bookkeeping), and nsubscriptions is only
// bounded by guest memory/48 otherwise.
const maxSubscriptions = 1 << 16

type pollSub struct {
	userdata uint64
	typ      uint8
	deadline time.Duration // clocks: CLOCK_MONOTONIC instant
	pfd      int           // fd subs: index into pfds, or -1
	errno    Errno         // already decided outcome
	ready    bool          // already decided ready (regular files, plain streams)
	nbytes   uint64
}

// poll_oneoff(in, out, nsubscriptions, nevents_ptr) -> errno
//
// Clock subscriptions become a deadline on CLOCK_MONOTONIC (absolute
// realtime/CPU-time deadlines are converted at entry); fd subscriptions
// become a ppoll set. Regular files and Reader/Writer streams without a host
// fd are always ready, as in POSIX poll. Per-subscription failures (bad fd,
// missing rights, unknown clock) are reported as events with an error, like
// wasmtime; only malformed arguments fail the call.
//
// Once the Canceler's Done is closed it answers cancelled instead of
// waiting or reporting events. A wait that can block watches Done. A sleep
// (clock subscriptions only) waits on a Go timer and Done, then its last
// sleepPrecise in ppoll, holding no host descriptor: every guest sleeping in poll_oneoff once held an eventfd no
// budget counted, so a few hundred sleeping guests under a low
// RLIMIT_NOFILE took the host's whole reserve (limits.go). A wait on fds
// adds an eventfd, counted against the process-wide budget (ENFILE past
// it), that a goroutine signals when Done closes, so a cancelled wait ends
// at once rather than at its deadline. A poll that cannot block (some
// subscription already decided) sets none of that up.
func pollOneoff(c *call) Errno {
	s, m := c.s, c.m
	var done <-chan struct{}
	if cn := c.canceler(); cn != nil {
		done = cn.Done()
	}
	inPtr, outPtr, nsubs, neventsPtr := uint32(c.a[0]), uint32(c.a[1]), uint32(c.a[2]), uint32(c.a[3])
	if nsubs == 0 {
		// The spec leaves it open; wasmtime says EINVAL instead of
		// blocking forever.
		return ErrnoInval
	}
	recs, ok := spanN(m, inPtr, nsubs, sizeSubscription)
	if !ok {
		return ErrnoFault
	}
	out, ok := spanN(m, outPtr, nsubs, sizeEvent)
	if !ok || !ok32(m, neventsPtr) {
		return ErrnoFault
	}
	if nsubs > maxSubscriptions {
		return ErrnoInval
	}

	subs := make([]pollSub, nsubs)
	var pinned []*fdEntry
	defer func() {
		for _, e := range pinned {
			s.release(e)
		}
	}()
	var pfds []unix.PollFd
	now := monoNow()
	haveClock := false
	var earliest time.Duration
	immediate := false
	for i := range subs {
		rec := recs[i*sizeSubscription : (i+1)*sizeSubscription]
		sub := &subs[i]
		sub.userdata = le64(rec, 0)
		sub.typ = rec[8]
		sub.pfd = -1
		switch sub.typ {
		case eventtypeClock:
			id, timeout, flags := le32(rec, 16), le64(rec, 24), uint16(rec[40])|uint16(rec[41])<<8
			dl, errno := s.clockDeadline(id, timeout, flags&subclockAbstime != 0, now)
			if errno != ErrnoSuccess {
				sub.errno, immediate = errno, true
				continue
			}
			sub.deadline = dl
			if !haveClock || dl < earliest {
				earliest, haveClock = dl, true
			}
		case eventtypeFdRead, eventtypeFdWrite:
			fd := le32(rec, 16)
			e, errno := s.get(fd, rightPollFdReadwrite)
			if errno != ErrnoSuccess {
				sub.errno, immediate = errno, true
				continue
			}
			pinned = append(pinned, e) // kept open until the poll is over
			hfd := e.fd
			if hfd < 0 && e.stdFile != nil {
				hfd = rawFd(e.stdFile)
			}
			if hfd < 0 || e.ftype == filetypeRegularFile {
				sub.ready, immediate = true, true
				if sub.typ == eventtypeFdRead && hfd >= 0 {
					sub.nbytes = fileRemaining(hfd)
				}
				continue
			}
			ev := int16(unix.POLLIN)
			if sub.typ == eventtypeFdWrite {
				ev = unix.POLLOUT
			}
			sub.pfd = len(pfds)
			pfds = append(pfds, unix.PollFd{Fd: int32(hfd), Events: ev})
		default:
			return ErrnoInval
		}
	}

	select {
	case <-done:
		return errnoCancelled
	default:
	}
	sleep := done != nil && !immediate && len(pfds) == 0 // clocks only
	if done != nil && !immediate && !sleep {
		w, err := newWaker(done)
		if err != nil {
			// Out of host fds: fail rather than wait where a timeout
			// cannot reach.
			return toErrno(err)
		}
		defer w.close()
		pfds = append(pfds, unix.PollFd{Fd: int32(w.fd), Events: unix.POLLIN})
	}

	for {
		// A sleep waits on a timer until sleepPrecise before its deadline,
		// and the rest in ppoll with no fds.
		if sleep && earliest-monoNow() > sleepPrecise {
			if !sleepUntil(earliest-sleepPrecise, done) {
				return errnoCancelled
			}
		}
		var ts *unix.Timespec
		switch {
		case immediate:
			ts = &unix.Timespec{}
		case haveClock:
			wait := earliest - monoNow()
			if wait < 0 {
				wait = 0
			}
			t := unix.NsecToTimespec(int64(wait))
			ts = &t
		}
		_, err := unix.Ppoll(pfds, ts, nil)
		if err != nil && err != unix.EINTR {
			return toErrno(err)
		}
		select {
		case <-done:
			// Stopping the guest wins over events that came with it.
			return errnoCancelled
		default:
		}
		nev := s.collectEvents(subs, pfds, out)
		if nev > 0 {
			store32(m, neventsPtr, uint32(nev))
			return ErrnoSuccess
		}
		// EINTR (Go's preemption signals) or a wakeup before the deadline:
		// go round with the remaining time.
	}
}

// waker makes a cancellation channel pollable: its eventfd turns readable
// when done closes.
type waker struct {
	fd     int
	stop   chan struct{}
	exited chan struct{}
}

func newWaker(done <-chan struct{}) (*waker, error) {
	if !acquireHostFD() {
		return nil, unix.ENFILE
	}
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		releaseHostFD()
		return nil, err
	}
	w := &waker{fd: fd, stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(w.exited)
		select {
		case <-done:
			one := [8]byte{1}
			// Cannot fail but for a counter overflow, which one write cannot cause.
			_, _ = unix.Write(fd, one[:])
		case <-w.stop:
		}
	}()
	return w, nil
}

// close waits for the goroutine before closing the fd, so it never writes
// to a number the kernel has handed out again.
func (w *waker) close() {
	close(w.stop)
	<-w.exited
	unix.Close(w.fd)
	releaseHostFD()
}

// sleepPrecise is the end of a sleep that ppoll waits (to the nanosecond)
// rather than a Go timer, which wakes a millisecond or more late: a 10 µs
// sleep took 1.05 ms on a timer, 83 µs in ppoll. A cancellation that comes
// then is seen when ppoll returns, at most sleepPrecise later.
const sleepPrecise = 2 * time.Millisecond

// sleepUntil waits until the monotonic clock reaches deadline, or done
// closes (false).
func sleepUntil(deadline time.Duration, done <-chan struct{}) bool {
	wait := deadline - monoNow()
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
		return false
	case <-t.C:
		return true
	}
}

// collectEvents writes an event for every subscription that has fired and
// returns how many it wrote.
func (s *System) collectEvents(subs []pollSub, pfds []unix.PollFd, out []byte) int {
	now := monoNow()
	n := 0
	for i := range subs {
		sub := &subs[i]
		var errno Errno
		var nbytes uint64
		var flags uint16
		switch {
		case sub.errno != ErrnoSuccess:
			errno = sub.errno
		case sub.ready:
			nbytes = sub.nbytes
		case sub.typ == eventtypeClock:
			if sub.deadline > now {
				continue
			}
		case sub.pfd >= 0:
			p := pfds[sub.pfd]
			if p.Revents == 0 {
				continue
			}
			switch {
			case p.Revents&unix.POLLNVAL != 0:
				errno = ErrnoBadf
			case p.Revents&unix.POLLHUP != 0:
				flags = eventFdReadwriteHangup
			}
			if sub.typ == eventtypeFdRead && errno == ErrnoSuccess {
				if v, err := unix.IoctlGetInt(int(p.Fd), unix.TIOCINQ); err == nil && v > 0 {
					nbytes = uint64(v)
				}
			}
		default:
			continue
		}
		ev := out[n*sizeEvent : (n+1)*sizeEvent]
		clear(ev)
		put64(ev, 0, sub.userdata)
		put16(ev, 8, uint16(errno))
		ev[10] = sub.typ
		if sub.typ != eventtypeClock {
			put64(ev, 16, nbytes)
			put16(ev, 24, flags)
		}
		n++
	}
	return n
}

// clockDeadline converts a clock subscription to a CLOCK_MONOTONIC instant.
func (s *System) clockDeadline(id uint32, timeout uint64, abs bool, now time.Duration) (time.Duration, Errno) {
	if _, ok := hostClock(id); !ok {
		return 0, ErrnoInval
	}
	rel := timeout
	if abs {
		cur, errno := s.clockNow(id)
		if errno != ErrnoSuccess {
			return 0, errno
		}
		if timeout <= cur {
			return now, ErrnoSuccess
		}
		rel = timeout - cur
	}
	// Saturate instead of overflowing for "forever" timeouts.
	if rel > uint64(math.MaxInt64-now) {
		return math.MaxInt64, ErrnoSuccess
	}
	return now + time.Duration(rel), ErrnoSuccess
}

// fileRemaining is what fd_read could return right now on a regular file:
// size minus offset, as wasmtime reports.
func fileRemaining(fd int) uint64 {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return 0
	}
	pos, err := unix.Seek(fd, 0, unix.SEEK_CUR)
	if err != nil || pos >= st.Size {
		return 0
	}
	return uint64(st.Size - pos)
}
