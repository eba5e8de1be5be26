package wasi

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// call is one host call as its function sees it, and the one place where
// arguments are decoded and checked. Each step (an fd with its rights, a
// directory, a path, an output pointer, a buffer, an iovec array, a parent
// directory) reads its arguments from the value stack, checks them and,
// when anything is wrong, records the errno; once a step has failed every
// later step does nothing. So a host function is its steps, written in the
// order the guest should hear about failures, then one
// "if !c.ok() { return c.errno }" and the work, with no errno ladder.
//
// What steps pin (fd entries, parent directories opened beneath them, at
// most two of each: path_link and path_rename) is released once the
// function returns. After a failure, steps return zero values, and failedEntry for an entry,
// so a condition written between steps (see require) may read a field of
// what a step returned without a nil check; nothing may change it or act
// on it before the check.
//
// The runner (funcs.go) builds the call on its stack, hands the function
// a pointer to it and releases what the steps pinned (done) once the
// function has returned. The pointer is hidden from escape analysis
// (noescape): passed through the function value in the table it would
// otherwise cost an allocation per host call. No host function keeps it.
type call struct {
	s     *System
	m     []byte   // guest memory, fetched once per call
	a     []uint64 // the arguments, in place on the value stack
	mem   Memory   // asked for a Canceler by the calls that wait
	errno Errno

	// iov backs the call's iovec slices (up to 4; a C stdio write has 2),
	// taken from iovBufs and given back by done: the common fd_write then
	// allocates nothing, and no System carries a buffer of its own (an
	// array in the call would make the call escape, see noescape).
	iov *[4][]byte

	pins [2]*fdEntry
	refs [2]parentRef
	npin uint8
	nref uint8
}

// iovBufs holds the iovec arrays of running read and write calls.
var iovBufs = sync.Pool{New: func() any { return new([4][]byte) }}

// noescape hides p from escape analysis, like the runtime's own noescape
// (p goes through a uintptr variable, which the analysis does not follow).
// The call lives on the runner's stack until the function returns, and
// typed pointers to it on that same stack (the function's c, closures
// that do not escape) are moved with it when the stack grows or shrinks.
// So it is sound only while the *call itself never reaches the heap or
// another goroutine, not even during the call: there a copy would not be
// moved, and a wait parked on a channel (the cancellable ones) lets the GC
// shrink, so move, the stack. What c holds (System, memory, argument
// slice) may go anywhere. Every host function today keeps only that; the
// compiler's escape analysis of each one says so, and
// TestCallPointerNeverEscapes asks it.
//
//go:nosplit
func noescape(p *call) *call {
	x := uintptr(unsafe.Pointer(p))
	return *(**call)(unsafe.Pointer(&x))
}

// hostFn is a host function. A function that can block returns
// errnoCancelled once the call's Canceler asks it to give up.
type hostFn func(c *call) Errno

// errnoCancelled is no WASI errno (they are below 100); the runner turns it
// into the Canceler's error, which ends the guest call.
const errnoCancelled Errno = 0xFFFF

func (c *call) ok() bool { return c.errno == ErrnoSuccess }

// fail records e (success is no failure) unless a step failed before.
func (c *call) fail(e Errno) {
	if c.errno == ErrnoSuccess {
		c.errno = e
	}
}

// require fails with e unless cond holds. cond is evaluated even after a
// failure: it may read what steps returned (zero values, failedEntry),
// never act on it.
func (c *call) require(cond bool, e Errno) {
	if !cond {
		c.fail(e)
	}
}

// canceler is the call's Canceler, nil when the memory is none: the call
// then waits as long as it takes.
func (c *call) canceler() Canceler {
	cn, _ := c.mem.(Canceler)
	return cn
}

// done releases what the steps pinned, last first.
func (c *call) done() {
	if c.npin|c.nref != 0 || c.iov != nil {
		c.release()
	}
}

func (c *call) release() {
	if c.iov != nil {
		clear(c.iov[:]) // no slices of this guest's memory kept
		iovBufs.Put(c.iov)
		c.iov = nil
	}
	for c.nref > 0 {
		c.nref--
		c.refs[c.nref].release()
	}
	for c.npin > 0 {
		c.npin--
		c.s.release(c.pins[c.npin])
	}
}

// failedEntry is what a step returns for an entry once the call failed: a
// closed entry with no rights.
// A composite literal (static data), not newEntry (package
// initialisation); the atomics' zero values are what newEntry would store.
var failedEntry = &fdEntry{fd: -1, ftype: filetypeUnknown}

func (c *call) pin(e *fdEntry, errno Errno) *fdEntry {
	if errno != ErrnoSuccess {
		c.fail(errno)
		return failedEntry
	}
	c.pins[c.npin] = e
	c.npin++
	return e
}

// fd is the entry of the guest fd in argument i, which must hold need.
func (c *call) fd(i int, need uint64) *fdEntry {
	if !c.ok() {
		return failedEntry
	}
	return c.pin(c.s.get(uint32(c.a[i]), need))
}

// dir is fd for the directory a path is relative to (ENOTDIR otherwise).
func (c *call) dir(i int, need uint64) *fdEntry {
	if !c.ok() {
		return failedEntry
	}
	return c.pin(c.s.getDir(uint32(c.a[i]), need))
}

// stream is fd for reading or writing (right is fd_read or fd_write).
func (c *call) stream(i int, right uint64) *fdEntry {
	if !c.ok() {
		return failedEntry
	}
	return c.pin(c.s.getIO(uint32(c.a[i]), right))
}

// sock is fd for a socket, with its host descriptor.
func (c *call) sock(i int, need uint64) (*fdEntry, int) {
	if !c.ok() {
		return failedEntry, -1
	}
	e, hfd, errno := c.s.sockFd(uint32(c.a[i]), need)
	return c.pin(e, errno), hfd
}

// hostFd is e's host descriptor (see fdEntry.hostFd). A stream without one
// fails with orElse, or with ESPIPE when orElse is success.
func (c *call) hostFd(e *fdEntry, orElse Errno) int {
	if !c.ok() {
		return -1
	}
	hfd, errno := e.hostFd()
	if errno != ErrnoSuccess && orElse != ErrnoSuccess {
		errno = orElse
	}
	c.fail(errno)
	return hfd
}

// out32 is the output pointer in argument i, with room for a u32.
func (c *call) out32(i int) uint32 {
	p := uint32(c.a[i])
	c.require(ok32(c.m, p), ErrnoFault)
	return p
}

// out64 is out32 for a u64.
func (c *call) out64(i int) uint32 {
	p := uint32(c.a[i])
	c.require(ok64(c.m, p), ErrnoFault)
	return p
}

// bytes is the n bytes of guest memory at ptr.
func (c *call) bytes(ptr, n uint32) []byte {
	if !c.ok() {
		return nil
	}
	b, ok := span(c.m, ptr, n)
	c.require(ok, ErrnoFault)
	return b
}

// buf is the guest buffer of arguments i (pointer) and i+1 (length).
func (c *call) buf(i int) []byte { return c.bytes(uint32(c.a[i]), uint32(c.a[i+1])) }

// iovecs is the iovec array of arguments i (pointer) and i+1 (count).
func (c *call) iovecs(i int) [][]byte {
	if !c.ok() {
		return nil
	}
	if c.iov == nil {
		c.iov = iovBufs.Get().(*[4][]byte)
	}
	iov, errno := iovecs(c.iov[:], c.m, uint32(c.a[i]), uint32(c.a[i+1]))
	c.fail(errno)
	return iov
}

// str is the string of arguments i (pointer) and i+1 (length), such as a
// symlink target.
func (c *call) str(i int) string {
	if !c.ok() {
		return ""
	}
	s, errno := guestString(c.m, uint32(c.a[i]), uint32(c.a[i+1]))
	c.fail(errno)
	return s
}

// path is str for a path, checked to be worth resolving (checkPath).
func (c *call) path(i int) string {
	p := c.str(i)
	if c.ok() {
		c.fail(checkPath(p))
	}
	return p
}

func (c *call) ref(r parentRef, errno Errno) parentRef {
	if errno != ErrnoSuccess {
		c.fail(errno)
		return parentRef{fd: -1}
	}
	c.refs[c.nref] = r
	c.nref++
	return r
}

// parent opens the directory holding path's last component beneath d (see
// openParent).
func (c *call) parent(d *fdEntry, path string) parentRef {
	if !c.ok() {
		return parentRef{fd: -1}
	}
	return c.ref(c.s.openParent(d.fd, path))
}

// final is parent with a final symlink followed when follow is set (see
// resolveFinal).
func (c *call) final(d *fdEntry, path string, follow bool) parentRef {
	if !c.ok() {
		return parentRef{fd: -1}
	}
	return c.ref(c.s.resolveFinal(d.fd, path, follow))
}

// stat stats ref's last component without following it.
func (c *call) stat(ref parentRef) unix.Stat_t {
	if !c.ok() {
		return unix.Stat_t{}
	}
	st, errno := statRef(ref)
	c.fail(errno)
	return st
}

// dirIfTrailing: a path with a trailing slash must name a directory.
func (c *call) dirIfTrailing(ref parentRef) {
	if ref.trailing {
		st := c.stat(ref)
		c.require(isDir(&st), ErrnoNotdir)
	}
}

// creatable: link(2) and symlink(2) never create "name/"; a trailing slash
// fails as Linux fails it.
func (c *call) creatable(ref parentRef) {
	if ref.trailing && c.ok() {
		if _, errno := statRef(ref); errno == ErrnoSuccess {
			c.fail(ErrnoExist)
		} else {
			c.fail(ErrnoNoent)
		}
	}
}

// times is the utimensat argument of arguments i (atim), i+1 (mtim) and
// i+2 (fst_flags).
func (c *call) times(i int) [2]unix.Timespec {
	if !c.ok() {
		return [2]unix.Timespec{}
	}
	ts, errno := timespecs(c.a[i], c.a[i+1], uint32(c.a[i+2]))
	c.fail(errno)
	return ts
}

// seekable fails as seekDenied says unless e holds one of the rights in
// mask (fd_seek, or fd_tell where a pure query will do).
func (c *call) seekable(e *fdEntry, mask uint64) {
	if c.ok() && e.base.Load()&mask == 0 {
		c.fail(seekDenied(e))
	}
}

// install adds e, a new entry, to the fd table and stores its number at
// out; when the table has no room it closes e.
func (c *call) install(e *fdEntry, out uint32) Errno {
	n, errno := c.s.insert(e)
	if errno != ErrnoSuccess {
		e.close()
		return errno
	}
	store32(c.m, out, n)
	return ErrnoSuccess
}

// ioErrno is the errno of a stream call's outcome (see streamIO).
func ioErrno(cancelled bool, err error) Errno {
	if cancelled {
		return errnoCancelled
	}
	return toErrno(err)
}

// sys makes the call's system call, unless a step failed: its error (EINTR
// retried) is the call's errno.
func (c *call) sys(f func() error) Errno {
	if !c.ok() {
		return c.errno
	}
	return toErrno(eintr(f))
}
