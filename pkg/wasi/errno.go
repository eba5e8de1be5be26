package wasi

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Errno is a wasi_snapshot_preview1 error number as returned to the guest.
type Errno uint16

// The errno values of wasi_snapshot_preview1 (typenames.witx, enum $errno).
// Only the ones this package produces by name are listed; the rest come
// from the host mapping in errnoTable.
const (
	ErrnoSuccess     Errno = 0
	Errno2big        Errno = 1
	ErrnoAcces       Errno = 2
	ErrnoAgain       Errno = 6
	ErrnoBadf        Errno = 8
	ErrnoExist       Errno = 20
	ErrnoFault       Errno = 21
	ErrnoFbig        Errno = 22
	ErrnoIlseq       Errno = 25
	ErrnoInval       Errno = 28
	ErrnoIo          Errno = 29
	ErrnoIsdir       Errno = 31
	ErrnoLoop        Errno = 32
	ErrnoMfile       Errno = 33
	ErrnoNametoolong Errno = 37
	ErrnoNfile       Errno = 41
	ErrnoNoent       Errno = 44
	ErrnoNosys       Errno = 52
	ErrnoNotdir      Errno = 54
	ErrnoNotempty    Errno = 55
	ErrnoNotsock     Errno = 57
	ErrnoNotsup      Errno = 58
	ErrnoOverflow    Errno = 61
	ErrnoPerm        Errno = 63
	ErrnoRange       Errno = 68
	ErrnoSpipe       Errno = 70
	ErrnoXdev        Errno = 75
	ErrnoNotcapable  Errno = 76
)

// errnoTable maps Linux errno values to WASI ones. The WASI list is the
// POSIX list in alphabetical order, so every value has a counterpart; host
// errors without one (rare Linux-only codes) become EIO. An array indexed
// by the Linux value, not a map: its contents are static data, with no
// package initialisation to build it.
var errnoTable = [...]Errno{
	unix.E2BIG:           1,
	unix.EACCES:          2,
	unix.EADDRINUSE:      3,
	unix.EADDRNOTAVAIL:   4,
	unix.EAFNOSUPPORT:    5,
	unix.EAGAIN:          6,
	unix.EALREADY:        7,
	unix.EBADF:           8,
	unix.EBADMSG:         9,
	unix.EBUSY:           10,
	unix.ECANCELED:       11,
	unix.ECHILD:          12,
	unix.ECONNABORTED:    13,
	unix.ECONNREFUSED:    14,
	unix.ECONNRESET:      15,
	unix.EDEADLK:         16,
	unix.EDESTADDRREQ:    17,
	unix.EDOM:            18,
	unix.EDQUOT:          19,
	unix.EEXIST:          20,
	unix.EFAULT:          21,
	unix.EFBIG:           22,
	unix.EHOSTUNREACH:    23,
	unix.EIDRM:           24,
	unix.EILSEQ:          25,
	unix.EINPROGRESS:     26,
	unix.EINTR:           27,
	unix.EINVAL:          28,
	unix.EIO:             29,
	unix.EISCONN:         30,
	unix.EISDIR:          31,
	unix.ELOOP:           32,
	unix.EMFILE:          33,
	unix.EMLINK:          34,
	unix.EMSGSIZE:        35,
	unix.EMULTIHOP:       36,
	unix.ENAMETOOLONG:    37,
	unix.ENETDOWN:        38,
	unix.ENETRESET:       39,
	unix.ENETUNREACH:     40,
	unix.ENFILE:          41,
	unix.ENOBUFS:         42,
	unix.ENODEV:          43,
	unix.ENOENT:          44,
	unix.ENOEXEC:         45,
	unix.ENOLCK:          46,
	unix.ENOLINK:         47,
	unix.ENOMEM:          48,
	unix.ENOMSG:          49,
	unix.ENOPROTOOPT:     50,
	unix.ENOSPC:          51,
	unix.ENOSYS:          52,
	unix.ENOTCONN:        53,
	unix.ENOTDIR:         54,
	unix.ENOTEMPTY:       55,
	unix.ENOTRECOVERABLE: 56,
	unix.ENOTSOCK:        57,
	unix.EOPNOTSUPP:      58, // == ENOTSUP on Linux
	unix.ENOTTY:          59,
	unix.ENXIO:           60,
	unix.EOVERFLOW:       61,
	unix.EOWNERDEAD:      62,
	unix.EPERM:           63,
	unix.EPIPE:           64,
	unix.EPROTO:          65,
	unix.EPROTONOSUPPORT: 66,
	unix.EPROTOTYPE:      67,
	unix.ERANGE:          68,
	unix.EROFS:           69,
	unix.ESPIPE:          70,
	unix.ESRCH:           71,
	unix.ESTALE:          72,
	unix.ETIMEDOUT:       73,
	unix.ETXTBSY:         74,
	unix.EXDEV:           75,
}

// toErrno converts a host error to the errno the guest sees.
func toErrno(err error) Errno {
	if err == nil {
		return ErrnoSuccess
	}
	var en unix.Errno
	if errors.As(err, &en) {
		if uint(en) < uint(len(errnoTable)) && errnoTable[en] != ErrnoSuccess {
			return errnoTable[en]
		}
	}
	return ErrnoIo
}
