package wasi

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// A socket's accept and receive go through raw system calls rather than
// unix.Accept4 and unix.RecvmsgBuffers, which decode the peer's address
// (unix's anyToSockaddr) that WASI preview 1 never returns. Linking that
// decoder makes an itab for each of unix's 21 address types, and the Go
// runtime registers every itab of the binary when it starts (itabsinit
// reads each one's type): in lucet-run, that was 21 of its 195 itabs and
// pages of rodata read at every start, for calls hello world never makes.
// Passing no address buffer also means an address family that x/sys does
// not know cannot fail an accept (unix.Accept4 closes the connection and
// returns EAFNOSUPPORT) or a receive after its data was consumed.

// zeroByte is where an empty buffer's iovec points, as in x/sys/unix: the
// kernel writes nothing to a zero-length iovec, but its base must be a
// valid pointer.
var zeroByte byte

// recvmsg is recvmsg(2) into bufs with flags (MSG_*): the bytes received
// and the message's flags (MSG_TRUNC, ...).
func recvmsg(fd int, bufs [][]byte, flags int) (n, recvflags int, err error) {
	iov := make([]unix.Iovec, len(bufs))
	for i, b := range bufs {
		if len(b) > 0 {
			iov[i].Base = &b[0]
			iov[i].SetLen(len(b))
		} else {
			iov[i].Base = &zeroByte
		}
	}
	var msg unix.Msghdr
	if len(iov) > 0 {
		msg.Iov = &iov[0]
		msg.SetIovlen(len(iov))
	}
	r, _, e := unix.Syscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(flags))
	if e != 0 {
		return int(r), 0, e // -1, as unix.RecvmsgBuffers returns
	}
	return int(r), int(msg.Flags), nil
}

// accept4 is accept4(2) of a connection on listener fd with flags
// (SOCK_*), without its peer's address.
func accept4(fd, flags int) (int, error) {
	r, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, uintptr(flags), 0, 0)
	if e != 0 {
		return int(r), e // -1, as unix.Accept4 returns
	}
	return int(r), nil
}
