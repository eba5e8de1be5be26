// Package wasi implements the wasi_snapshot_preview1 host functions and the
// filesystem sandbox behind them.
//
// In: a Config (argv, environment, stdio, preopened host directories,
// sockets). Out: a System whose Funcs are the 46 imports of the
// wasi_snapshot_preview1 module, each with its core-wasm signature from
// package preview1 (the table lucet-validate checks modules against) and a Call
// that reads its arguments from a value stack and guest memory.
//
// The guest reaches the host filesystem only through the preopened
// directories. Every path operation is resolved beneath the directory fd it
// is relative to (openat2 RESOLVE_BENEATH, or an O_NOFOLLOW walk where
// openat2 is missing), so neither "..", absolute paths nor symlinks can name
// anything outside. See sandbox.go.
//
// A runtime that can stop a guest (a timeout, a kill) passes a Memory that
// is also a Canceler; every call that can block (poll_oneoff, fd_read and
// fd_write on a stream, sock_accept, sock_recv, sock_send) then waits in
// poll(2) alongside the cancellation, gives up once it comes and fails the
// call with the Canceler's Err.
//
// Each host function is a list of steps on a call (call.go), which
// decodes and checks its arguments (fds and their rights, paths, guest
// pointers, iovecs) in one place and keeps the first errno.
//
// Limits (limits.go): a guest holds at most Config.MaxOpenFiles fds
// (DefaultMaxOpenFiles, 1024, by default, or a quarter of the process's
// budget if less; EMFILE past it), all guests of the process together at
// most three quarters of RLIMIT_NOFILE (ENFILE),
// and, where the embedder sets Config.MaxOutputBytes, writes that much to
// stdout and stderr (EFBIG past it). A Preopen can be ReadOnly.
//
// Errnos follow wasmtime where the spec is silent. Where they differ, this
// package follows the spec (or refuses more), each noted at the function:
//   - fd_allocate allocates (posix_fallocate); wasmtime answers ENOTSUP.
//   - path_link honours SYMLINK_FOLLOW; wasmtime answers EINVAL.
//   - rights are enforced (ENOTCAPABLE) on every call, as the spec says;
//     current wasmtime mostly ignores them. path_open refuses rights the
//     directory does not pass on, and narrows the rest to the file type.
//     A directory has no fd_seek/fd_tell right (no byte offset; readdir
//     takes a cookie), so seek and tell on one are ENOTCAPABLE where
//     wasmtime says EBADF; wasi-testsuite accepts either.
//     One exception, as in wasmtime: oflags::trunc does not need
//     path_filestat_set_size on the directory (Go strips it from every
//     directory it opens), nor any write right on the new fd, which keeps
//     exactly the rights asked for (wasi-testsuite truncation_rights).
//     Since that right would gate nothing, directories never hold it (as
//     in wasmtime), rather than hold one that dropping does not take away.
//   - path_symlink refuses absolute targets with EPERM (cap-std does too).
//   - fd_fdstat_set_flags refuses changes to DSYNC/RSYNC/SYNC with EINVAL
//     (Linux cannot change them on an open file), but accepts them unchanged.
//   - Escapes of any kind are EPERM, as in wasmtime, never ENOTCAPABLE.
//   - seek/tell/pread/pwrite on a stream without the seek right is ESPIPE.
package wasi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/wasi/preview1"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// ModuleName is the import module name of every function in Funcs.
const ModuleName = preview1.ModuleName

// Memory is the guest's linear memory as the runtime exposes it.
type Memory interface {
	// Bytes returns the guest's linear memory as it is now. Re-fetch after
	// anything that can grow it; never keep it across calls.
	Bytes() []byte
}

// Canceler is what a Memory may also implement to let blocking calls see
// that the runtime wants the guest stopped (a timeout, a kill). The
// interface keeps this package independent of the runtime: any embedder's
// memory adapter can offer it.
//
// poll_oneoff (what nanosleep and select compile to), fd_read and fd_write
// on pipes, ttys and sockets, sock_accept, sock_recv and sock_send wait on
// Done as well as on their fd or clock; once Done is closed they give up,
// having read or written nothing (but see below), and their Call returns
// Err, which ends the guest call. The fd and socket calls ask for Done only when they are
// about to wait, or between the 1 MiB chunks of a larger read or write
// (files included), so a guest asking one call to move gigabytes is
// stopped within a chunk. Done may be nil: the call cannot be cancelled.
//
// Two kinds of wait are out of reach: a stdio stream that is a plain
// io.Reader/io.Writer (not an *os.File) blocks inside its Read or Write,
// which only the embedder can make return; and calls that block in the
// kernel on a file (fsync or close on a hung network filesystem). A
// path_open of a FIFO waits for its other end here, cancellably (fifo.go).
//
// A cancellable write (and recv_waitall) still moves everything before it
// returns, as on a blocking fd, in several nonblocking attempts; cancelled
// part way, it returns what it moved, as write(2) does when a signal
// interrupts it, and the guest stops at its next interrupt check.
type Canceler interface {
	Done() <-chan struct{}
	Err() error
}

// errCancelled is what a cancelled call returns when the Canceler's Err
// has nothing better to say.
var errCancelled error = constError("wasi: call cancelled")

// constError is a sentinel error the compiler lays out as static data:
// errors.New in a variable's initialiser is package initialisation (code
// and an allocation) that every lucet-run ran at start.
type constError string

func (e constError) Error() string { return string(e) }

// Func is one host function.
type Func struct {
	Name    string
	Params  []wasm.ValType
	Results []wasm.ValType
	// Call runs the function. stack holds the params (i32 in the low 32
	// bits, i64 as is) on entry; Call writes the results into
	// stack[0:len(Results)]. A returned error ends the guest call: *ExitError
	// for proc_exit, anything else is a host failure.
	Call func(mem Memory, stack []uint64) error
}

// ExitError is returned by proc_exit's Call.
type ExitError struct{ Code uint32 }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Preopen is a host directory handed to the guest under GuestPath.
type Preopen struct {
	HostPath  string
	GuestPath string
	ReadOnly  bool // the guest may read but never write, create or remove
}

// Config describes the world the guest sees.
type Config struct {
	Args []string // argv, argv[0] included
	Env  []string // "NAME=VALUE"; nothing is inherited from the host

	// Stdio. nil means the host's os.Stdin/os.Stdout/os.Stderr. When a value
	// is an *os.File its type is reported by fd_fdstat_get and it can be
	// polled; any other Reader/Writer is treated as an always-ready stream,
	// and a guest blocked in its Read or Write cannot be cancelled until it
	// returns (see Canceler).
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// Preopens become fds 3, 4, ... in order.
	Preopens []Preopen

	// Sockets (listeners or connected sockets; *os.File, *net.TCPListener,
	// *net.TCPConn, ... anything with a raw fd) become the fds after the
	// preopens. They come after the preopens because wasi-libc finds
	// preopens by probing fd_prestat_get from 3 upward and stops at the
	// first EBADF. The System holds a dup of each, so the caller keeps and
	// closes its own.
	Sockets []syscall.Conn

	// Now overrides the realtime clock (tests). Monotonic and CPU clocks
	// always come from the host.
	Now func() time.Time
	// Rand overrides the random_get source (tests); default getrandom(2).
	Rand io.Reader

	// MaxOpenFiles bounds the guest's fd table, stdio, preopens and
	// sockets included, like RLIMIT_NOFILE; past it path_open and
	// sock_accept fail with EMFILE. 0 means DefaultMaxOpenFiles, or less
	// under a low RLIMIT_NOFILE (see DefaultMaxOpenFiles). See limits.go
	// for the process-wide bound (ENFILE) behind it.
	MaxOpenFiles int
	// MaxOutputBytes bounds what the guest writes to its stdout and stderr
	// (fd_write, fd_pwrite and sock_send on the fds Config gave as 1 and
	// 2, wherever the guest renumbers them). 0 means unlimited. A write
	// that would cross it is cut short at the limit; once nothing is left
	// every write fails with EFBIG, as write(2) does past RLIMIT_FSIZE.
	// System.OutputLimited tells the embedder it happened.
	MaxOutputBytes int64
	// OnOutputLimit, when not nil, is called once, from the guest's call,
	// the first time MaxOutputBytes cuts short or refuses a write: an
	// embedder that would rather stop the guest than let it go on without
	// output kills it here.
	OnOutputLimit func()
}

// System is one guest's WASI state: its fd table and configuration.
// A mutex guards the fd table only; I/O runs outside it, so one guest thread
// blocked on stdin does not wedge the others. Close must not run while
// calls are in flight.
type System struct {
	args, env []string
	now       func() time.Time
	rand      io.Reader

	mu     sync.Mutex
	fds    fdTable
	closed bool

	// maxOpen is Config.MaxOpenFiles resolved; outLeft counts down from
	// Config.MaxOutputBytes (outLimited false: no limit); outHit records
	// that the limit refused or cut a write.
	maxOpen int
	// shareCapped: MaxOpenFiles was left at the default, so instanceShare
	// bounds the table too.
	shareCapped bool
	outLimited  bool
	outLeft     atomic.Int64
	outHit      atomic.Bool
	onOutLimit  func()
	// walk forces the portable component walk instead of openat2 (tests
	// set it to exercise the walk; without openat2 in the kernel,
	// openBeneath walks anyway).
	walk bool

	// stdio holds the entries of fds 0, 1 and 2 as New makes them, so a
	// System costs one allocation for them rather than three (the fd
	// table points here; renumbering moves the pointers, not the entries).
	stdio [3]fdEntry
}

// fdEntry is one guest fd.
type fdEntry struct {
	// fd is the host descriptor, or -1 for a stdio stream that is only an
	// io.Reader/io.Writer.
	fd int
	r  io.Reader
	w  io.Writer
	// stdFile is the *os.File behind a stdio stream, if any; it is not
	// owned (never closed) and is used for fstat and poll.
	stdFile *os.File

	ftype uint8
	// untyped says ftype and the rights of a stdFile stream are not yet
	// known (see typeStdio); under System.mu.
	untyped bool
	// Rights and flags can change under a call running in another guest
	// thread (fd_fdstat_set_rights/_flags), hence atomics.
	base, inh atomic.Uint64
	// flags are the guest-visible fdflags. Nonblock is emulated (see
	// hostio.go) rather than set on the host description, because sockets
	// handed in share their description with the embedder.
	flags atomic.Uint32

	preopen   string
	isPreopen bool
	readOnly  bool // beneath a read-only preopen (see limits.go)
	output    bool // stdout/stderr, counted against MaxOutputBytes
	// counted says fd holds one unit of the process-wide host fd budget.
	counted bool
	// dir is where fd_readdir is in a directory, made on first use
	// under System.mu.
	dir *dirState

	// fifoReader says fd is a FIFO path_open opened read-only, whose
	// reads wait for a first writer (see fifo.go).
	fifoReader bool

	// noNowait is set once the host fd refused RWF_NOWAIT (see ioNowait).
	noNowait atomic.Bool

	// refs counts calls using the entry right now, and retired marks it
	// as gone from the table; both under System.mu. The host fd is closed
	// only when both say so: closing it under an in-flight call of another
	// guest thread could let the kernel hand the same number to a file some
	// other System opens, and the in-flight call would then touch it.
	refs    int
	retired bool
}

func newEntry(fd int, ft uint8, base, inh uint64, flags uint16) *fdEntry {
	return new(fdEntry).init(fd, ft, base, inh, flags)
}

// init sets up a zero entry in place (see System.stdio).
func (e *fdEntry) init(fd int, ft uint8, base, inh uint64, flags uint16) *fdEntry {
	e.fd, e.ftype = fd, ft
	e.base.Store(base)
	e.inh.Store(inh)
	e.flags.Store(uint32(flags))
	return e
}

func (e *fdEntry) fdflags() uint16 { return uint16(e.flags.Load()) }

func (e *fdEntry) close() error {
	if e.fd >= 0 {
		fd := e.fd
		e.fd = -1
		if e.counted {
			e.counted = false
			releaseHostFD()
		}
		return unix.Close(fd)
	}
	return nil
}

// New builds a System, opening every preopened directory.
func New(cfg Config) (*System, error) {
	s := new(System)
	if err := s.init(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// init sets up s, a zero System or one reset by Init, for cfg.
func (s *System) init(cfg Config) error {
	s.args, s.env, s.now, s.rand = cfg.Args, cfg.Env, cfg.Now, cfg.Rand
	if err := s.setLimits(cfg); err != nil {
		return err
	}
	for _, a := range cfg.Args {
		if strings.IndexByte(a, 0) >= 0 {
			return fmt.Errorf("wasi: argument %q contains a NUL byte", a)
		}
	}
	for _, v := range cfg.Env {
		if strings.IndexByte(v, 0) >= 0 {
			return fmt.Errorf("wasi: environment entry %q contains a NUL byte", v)
		}
	}
	if s.now == nil {
		s.now = time.Now
	}

	stdin, stdout, stderr := cfg.Stdin, cfg.Stdout, cfg.Stderr
	if stdin == nil {
		stdin = os.Stdin
	}
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	s.fds.set(0, s.stdio[0].initStdio(stdin, nil))
	s.fds.set(1, s.stdio[1].initStdio(nil, stdout))
	s.fds.set(2, s.stdio[2].initStdio(nil, stderr))
	s.stdio[1].output, s.stdio[2].output = true, true

	next := uint32(3)
	for _, p := range cfg.Preopens {
		fd, err := unix.Open(p.HostPath, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			s.Close()
			return fmt.Errorf("wasi: preopen %q: %w", p.HostPath, &os.PathError{Op: "open", Path: p.HostPath, Err: err})
		}
		guest := p.GuestPath
		if guest == "" {
			guest = p.HostPath
		}
		e := newEntry(fd, filetypeDirectory, rightsDirBase, rightsAll, 0)
		e.preopen, e.isPreopen = guest, true
		if p.ReadOnly {
			e.readOnly = true
			e.base.Store(rightsDirBase &^ rightsMutate)
			e.inh.Store(rightsAll &^ rightsMutate)
		}
		if !s.admitConfigured(e) {
			s.Close()
			return fmt.Errorf("wasi: preopen %q: %w", p.HostPath, errHostFDs)
		}
		s.fds.set(next, e)
		next++
	}
	for i, c := range cfg.Sockets {
		fd, err := dupConn(c)
		if err != nil {
			s.Close()
			return fmt.Errorf("wasi: socket %d: %w", i, err)
		}
		ft := uint8(filetypeSocketStream)
		if t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err == nil && t == unix.SOCK_DGRAM {
			ft = filetypeSocketDgram
		}
		e := newEntry(fd, ft, rightsSocket, rightsSocket, 0)
		if !s.admitConfigured(e) {
			s.Close()
			return fmt.Errorf("wasi: socket %d: %w", i, errHostFDs)
		}
		s.fds.set(next, e)
		next++
	}
	return nil
}

// initStdio sets up e, a zero entry, as a stdio stream.
func (e *fdEntry) initStdio(r io.Reader, w io.Writer) *fdEntry {
	e.init(-1, filetypeUnknown, rightsTTY, 0, 0)
	e.r, e.w = r, w
	var f *os.File
	if rf, ok := r.(*os.File); ok {
		f = rf
	} else if wf, ok := w.(*os.File); ok {
		f = wf
	}
	if f != nil {
		e.stdFile = f
		// Its type is found when the guest first uses the fd (typeStdio):
		// a program that never touches stdin or stderr costs no fstat
		// of them.
		e.untyped = true
	}
	return e
}

// typeStdio gives a stdio stream backed by an *os.File its file type and
// the rights that go with it, on the guest's first use of the fd. Called
// with System.mu held, before anything reads the entry's type or rights
// (pin, fd_fdstat_set_rights, which must not see rights appear after it
// dropped some).
func (e *fdEntry) typeStdio() {
	if !e.untyped {
		return
	}
	e.untyped = false
	var st unix.Stat_t
	if fd := rawFd(e.stdFile); fd < 0 || unix.Fstat(fd, &st) != nil {
		return
	}
	e.ftype = filetypeOfMode(st.Mode)
	if e.ftype == filetypeSocketStream || e.ftype == filetypeSocketDgram {
		// inetd-style: a socket as stdio can be used as one.
		e.base.Store(e.base.Load() | rightsSocket)
	}
	if e.ftype == filetypeRegularFile {
		// Redirected to a file: let the guest stat and sync it like one,
		// but not change the host's file beyond writing to it: no
		// allocate, truncate or timestamps (a guest set the host file's
		// times to 1970 through fd_filestat_set_times), and no seek,
		// tell, pread or pwrite (see seekDenied).
		e.base.Store(e.base.Load() | rightsFileBase&^(rightFdAllocate|rightFdFilestatSetSize|rightFdFilestatSetTimes|rightFdSeek|rightFdTell))
	}
}

// dupConn duplicates the descriptor behind c, so the System owns its copy.
func dupConn(c syscall.Conn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("raw conn: %w", err)
	}
	nfd := -1
	var derr error
	if err := rc.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, fmt.Errorf("raw conn control: %w", err)
	}
	if derr != nil {
		return -1, fmt.Errorf("dup: %w", derr)
	}
	return nfd, nil
}

// Close releases every host descriptor the System owns. Stdio passed in
// Config is not closed.
func (s *System) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for n, e := range s.fds.all() {
		if err := s.retireLocked(e); err != nil {
			errs = append(errs, fmt.Errorf("wasi: close fd %d: %w", n, err))
		}
	}
	// Emptied in place: a fresh table would cost an allocation per System.
	s.fds.reset()
	s.closed = true
	return errors.Join(errs...)
}

// get returns the entry for fd if it has all the rights in need. The entry
// is pinned: the caller must release it.
func (s *System) get(fd uint32, need uint64) (*fdEntry, Errno) { return s.pin(fd, need, false) }

// getDir is get for an fd that must be a directory (the base of a path
// operation).
func (s *System) getDir(fd uint32, need uint64) (*fdEntry, Errno) { return s.pin(fd, need, true) }

func (s *System) pin(fd uint32, need uint64, dir bool) (*fdEntry, Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.fds.get(fd)
	if ok {
		e.typeStdio()
	}
	switch {
	case !ok:
		return nil, ErrnoBadf
	case dir && (e.ftype != filetypeDirectory || e.fd < 0):
		return nil, ErrnoNotdir
	case e.base.Load()&need != need:
		return nil, e.denied(need)
	}
	e.refs++
	return e, ErrnoSuccess
}

// release unpins an entry from get, closing it if it was retired meanwhile.
func (s *System) release(e *fdEntry) {
	s.mu.Lock()
	e.refs--
	last := e.retired && e.refs == 0
	s.mu.Unlock()
	if last {
		e.close()
	}
}

// retire marks an entry already removed from the table as gone and closes
// it now unless a call still uses it; that call's release closes it then.
// Called with s.mu held; returns the close error if it closed.
func (s *System) retireLocked(e *fdEntry) error {
	e.retired = true
	if e.refs == 0 {
		return e.close()
	}
	return nil
}

// insert adds e, a new entry holding a host fd, under the lowest free fd
// number: EMFILE past MaxOpenFiles, ENFILE past the process-wide budget
// (limits.go). The caller closes e when insert fails.
func (s *System) insert(e *fdEntry) (uint32, Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.fds.len(); n >= s.maxOpen || s.shareCapped && n >= instanceShare() {
		return 0, ErrnoMfile
	}
	if !acquireHostFD() {
		return 0, ErrnoNfile
	}
	e.counted = true
	for n := uint32(0); ; n++ {
		if _, used := s.fds.get(n); !used {
			s.fds.set(n, e)
			return n, ErrnoSuccess
		}
	}
}
