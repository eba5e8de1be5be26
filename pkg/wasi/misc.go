package wasi

import (
	"io"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// writeStrings serves args_get/environ_get: ptrs receives one u32 pointer
// per string, buf the NUL-terminated strings back to back.
func writeStrings(m []byte, list []string, ptrsPtr, bufPtr uint32) Errno {
	size := uint64(0)
	for _, v := range list {
		size += uint64(len(v)) + 1
	}
	if size > uint64(^uint32(0)) {
		return ErrnoOverflow
	}
	ptrs, ok := spanN(m, ptrsPtr, uint32(len(list)), 4)
	if !ok {
		return ErrnoFault
	}
	buf, ok := span(m, bufPtr, uint32(size))
	if !ok {
		return ErrnoFault
	}
	off := 0
	for i, v := range list {
		put32(ptrs, i*4, bufPtr+uint32(off))
		off += copy(buf[off:], v)
		buf[off] = 0
		off++
	}
	return ErrnoSuccess
}

func writeSizes(m []byte, list []string, countPtr, sizePtr uint32) Errno {
	if !ok32(m, countPtr) || !ok32(m, sizePtr) {
		return ErrnoFault
	}
	size := uint64(0)
	for _, v := range list {
		size += uint64(len(v)) + 1
	}
	if size > uint64(^uint32(0)) {
		return ErrnoOverflow
	}
	store32(m, countPtr, uint32(len(list)))
	store32(m, sizePtr, uint32(size))
	return ErrnoSuccess
}

func argsGet(c *call) Errno {
	return writeStrings(c.m, c.s.args, uint32(c.a[0]), uint32(c.a[1]))
}
func argsSizesGet(c *call) Errno {
	return writeSizes(c.m, c.s.args, uint32(c.a[0]), uint32(c.a[1]))
}
func environGet(c *call) Errno {
	return writeStrings(c.m, c.s.env, uint32(c.a[0]), uint32(c.a[1]))
}
func environSizesGet(c *call) Errno {
	return writeSizes(c.m, c.s.env, uint32(c.a[0]), uint32(c.a[1]))
}

// hostClock maps a WASI clockid to the Linux one. The thread CPU clock is
// that of the OS thread running the call; a runtime that wants it to mean
// "this guest" must keep the guest on one locked thread.
func hostClock(id uint32) (int32, bool) {
	switch id {
	case 0:
		return unix.CLOCK_REALTIME, true
	case 1:
		return unix.CLOCK_MONOTONIC, true
	case 2:
		return unix.CLOCK_PROCESS_CPUTIME_ID, true
	case 3:
		return unix.CLOCK_THREAD_CPUTIME_ID, true
	}
	return 0, false
}

// clockNow reads a WASI clock in nanoseconds.
func (s *System) clockNow(id uint32) (uint64, Errno) {
	switch id {
	case 0:
		return uint64(s.now().UnixNano()), ErrnoSuccess
	case 1:
		return uint64(monoNow()), ErrnoSuccess
	}
	c, ok := hostClock(id)
	if !ok {
		return 0, ErrnoInval
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(c, &ts); err != nil {
		return 0, toErrno(err)
	}
	return tsNanos(ts), ErrnoSuccess
}

// clock_res_get(id, resolution_ptr) -> errno
func clockResGet(c *call) Errno {
	id, known := hostClock(uint32(c.a[0]))
	c.require(known, ErrnoInval)
	out := c.out64(1)
	var ts unix.Timespec
	if err := c.sys(func() error { return unix.ClockGetres(id, &ts) }); err != ErrnoSuccess {
		return err
	}
	store64(c.m, out, tsNanos(ts))
	return ErrnoSuccess
}

// clock_time_get(id, precision, time_ptr) -> errno. The precision hint is
// ignored: every clock is read at full resolution.
func clockTimeGet(c *call) Errno {
	id := uint32(c.a[0])
	_, known := hostClock(id)
	c.require(known, ErrnoInval)
	out := c.out64(2)
	if !c.ok() {
		return c.errno
	}
	t, errno := c.s.clockNow(id)
	if errno != ErrnoSuccess {
		return errno
	}
	store64(c.m, out, t)
	return ErrnoSuccess
}

// random_get(buf, buf_len) -> errno. The buffer is guest memory, so its size
// is already bounded by the memory; but filling 1 GiB took getrandom 6 to
// 15 s on the development VM, so it is filled ioChunk bytes at a time,
// looking at the Canceler between chunks. Stopped part way, the call ends
// with the Canceler's error (random_get has no short count).
func randomGet(c *call) Errno {
	b := c.buf(0)
	if !c.ok() {
		return c.errno
	}
	for first := true; len(b) > 0; first = false {
		if !first && cancelledNow(c.canceler()) {
			return errnoCancelled
		}
		part := b[:min(len(b), ioChunk)]
		if errno := c.s.fillRandom(part); errno != ErrnoSuccess {
			return errno
		}
		b = b[len(part):]
	}
	return ErrnoSuccess
}

// fillRandom fills b from Config.Rand or the kernel.
func (s *System) fillRandom(b []byte) Errno {
	if s.rand != nil {
		if _, err := io.ReadFull(s.rand, b); err != nil {
			return ErrnoIo
		}
		return ErrnoSuccess
	}
	// getrandom(2) directly rather than crypto/rand: the same kernel source,
	// without linking crypto's FIPS module, whose package initialisation
	// every lucet-run start would pay for.
	for len(b) > 0 {
		n, err := unix.Getrandom(b, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return ErrnoIo
		}
		b = b[n:]
	}
	return ErrnoSuccess
}

// proc_raise(sig) -> errno. Signals are not part of the sandbox; wasmtime
// answers ENOTSUP and so do we (rather than trap).
func procRaise(c *call) Errno { return ErrnoNotsup }

// sched_yield() -> errno
func schedYield(c *call) Errno {
	runtime.Gosched()
	return ErrnoSuccess
}

// sockFd returns the entry and host socket behind a guest fd. Socket-ness
// is checked before rights so a non-socket gets ENOTSOCK, not ENOTCAPABLE.
func (s *System) sockFd(fd uint32, need uint64) (*fdEntry, int, Errno) {
	e, errno := s.get(fd, 0)
	if errno != ErrnoSuccess {
		return nil, -1, errno
	}
	hfd := e.fd
	if hfd < 0 && e.stdFile != nil {
		hfd = rawFd(e.stdFile)
	}
	switch {
	case e.ftype != filetypeSocketStream && e.ftype != filetypeSocketDgram:
		errno = ErrnoNotsock
	case e.base.Load()&need != need:
		errno = ErrnoNotcapable
	case hfd < 0:
		errno = ErrnoNotsock
	}
	if errno != ErrnoSuccess {
		s.release(e)
		return nil, -1, errno
	}
	return e, hfd, ErrnoSuccess
}

// sock_accept(fd, fdflags, fd_ptr) -> errno
//
// Waiting for a connection can be cancelled (see streamIO); accept4, which
// has no per-call nonblocking flag, runs once the listener polls readable.
func sockAccept(c *call) Errno {
	e, hfd := c.sock(0, rightSockAccept)
	// Only nonblock means anything for a new connection.
	flags := uint32(c.a[1])
	c.require(flags&^fdflagNonblock == 0, ErrnoInval)
	out := c.out32(2)
	if !c.ok() {
		return c.errno
	}
	nfd, cancelled, err := streamIO(e, hfd, unix.POLLIN, c.canceler(), ioPolled, func(ioMode) (int, error) {
		return accept4(hfd, unix.SOCK_CLOEXEC)
	})
	if cancelled || err != nil {
		return ioErrno(cancelled, err)
	}
	return c.install(newEntry(nfd, filetypeSocketStream, rightsSocket&^rightSockAccept, 0, uint16(flags)), out)
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen_ptr, ro_flags_ptr) -> errno
//
// Waiting for data can be cancelled (see streamIO). A cancellable
// recv_waitall on a stream socket gathers the data in several
// MSG_DONTWAIT receives (streamAll); once some data is in, a cancel ends
// it with what it has, as a signal does in recv(2). recv_waitall with
// recv_peek then peeks what has arrived once anything has (waiting for
// more would spin on a socket that stays readable).
func sockRecv(c *call) Errno {
	e, hfd := c.sock(0, rightFdRead)
	riFlags, nread, roFlags := uint32(c.a[3]), c.out32(4), uint32(c.a[5])
	c.require(uint64(roFlags)+2 <= uint64(len(c.m)), ErrnoFault)
	iov := c.iovecs(1)
	c.require(riFlags&^uint32(riflagRecvPeek|riflagRecvWaitall) == 0, ErrnoInval)
	if !c.ok() {
		return c.errno
	}
	hflags := 0
	if riFlags&riflagRecvPeek != 0 {
		hflags |= unix.MSG_PEEK
	}
	if riFlags&riflagRecvWaitall != 0 {
		hflags |= unix.MSG_WAITALL
	}
	var rflags int
	recv := func(iov [][]byte, mode ioMode) (int, error) {
		fl := hflags
		if mode == ioDontwait {
			fl |= unix.MSG_DONTWAIT
		}
		n, rf, err := recvmsg(hfd, iov, fl)
		rflags = rf
		return n, err
	}
	var n int
	var cancelled bool
	var err error
	if hflags == unix.MSG_WAITALL && e.ftype == filetypeSocketStream {
		n, cancelled, err = streamAll(e, hfd, unix.POLLIN, c.canceler(), ioDontwait, iov, recv)
	} else {
		n, cancelled, err = streamIO(e, hfd, unix.POLLIN, c.canceler(), ioDontwait, func(mode ioMode) (int, error) { return recv(iov, mode) })
	}
	if cancelled || err != nil {
		return ioErrno(cancelled, err)
	}
	store32(c.m, nread, uint32(n))
	ro := uint16(0)
	if rflags&unix.MSG_TRUNC != 0 {
		ro |= roflagRecvDataTruncated
	}
	put16(c.m, int(roFlags), ro)
	return ErrnoSuccess
}

// sock_send(fd, si_data, si_data_len, si_flags, so_datalen_ptr) -> errno
//
// Waiting for room can be cancelled (see streamAll).
func sockSend(c *call) Errno {
	e, hfd := c.sock(0, rightFdWrite)
	nsent := c.out32(4)
	iov := c.iovecs(1)
	// siflags has no flags defined.
	c.require(uint32(c.a[3]) == 0, ErrnoInval)
	iov, reserved := c.output(e, iov)
	if !c.ok() {
		return c.errno
	}
	n, cancelled, err := streamAll(e, hfd, unix.POLLOUT, c.canceler(), ioDontwait, iov, func(iov [][]byte, mode ioMode) (int, error) {
		// MSG_NOSIGNAL: a peer that went away is EPIPE for the guest, not
		// a SIGPIPE for the host.
		fl := unix.MSG_NOSIGNAL
		if mode == ioDontwait {
			fl |= unix.MSG_DONTWAIT
		}
		return unix.SendmsgBuffers(hfd, iov, nil, nil, fl)
	})
	c.s.returnOutput(e, reserved, n)
	if cancelled || err != nil {
		return ioErrno(cancelled, err)
	}
	store32(c.m, nsent, uint32(n))
	return ErrnoSuccess
}

// sdflags are the shutdown(2) modes of sock_shutdown's sdflags, by value.
var sdflags = [...]int{sdflagRD: unix.SHUT_RD, sdflagWR: unix.SHUT_WR, sdflagRD | sdflagWR: unix.SHUT_RDWR}

// sock_shutdown(fd, sdflags) -> errno
func sockShutdown(c *call) Errno {
	_, hfd := c.sock(0, rightSockShutdown)
	how := uint32(c.a[1])
	c.require(how-1 < uint32(len(sdflags))-1, ErrnoInval)
	return c.sys(func() error { return unix.Shutdown(hfd, sdflags[how]) })
}

// rawFd returns the descriptor number of f without switching it to
// blocking mode, which (*os.File).Fd would do.
func rawFd(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if rc.Control(func(p uintptr) { fd = int(p) }) != nil {
		return -1
	}
	return fd
}
