package wasi

import (
	"fmt"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/budget"
	"github.com/lucet-go/lucet/internal/lazy"
)

// Limits that keep one guest from exhausting what the host process shares
// among all of them: descriptors and output volume. Read-only preopens
// live here too: they are a limit on what the guest may do to the files it
// is given.

// DefaultMaxOpenFiles is the guest fd table size when Config.MaxOpenFiles
// is 0: Linux's default soft RLIMIT_NOFILE, enough for any ordinary
// program, small enough that thousands of instances fit in one process.
// Where the process-wide budget below is small (a low RLIMIT_NOFILE), a
// System left at the default also stops at a quarter of that budget, at
// least minShare (see instanceShare): one guest alone cannot take every
// descriptor the others would get. A MaxOpenFiles set explicitly is taken
// as given; the budget still bounds it (ENFILE).
const DefaultMaxOpenFiles = 1024

// minShare is the least instanceShare gives a System at the default.
const minShare = 64

// The process-wide budget. However each instance is bounded, tens of
// thousands of them could still hold every descriptor the process may
// open, and then the embedder (its listener, its logs, the next instance's
// preopens) would fail. So the host descriptors that guest fd tables hold,
// across every System in the process, stay below RLIMIT_NOFILE minus a
// reserve for the host: a quarter of the limit, at least reserveMin. A
// guest that reaches it gets ENFILE ("too many open files in system"),
// which is what the budget is. Transient descriptors a call opens and
// closes before it returns are not counted, save the directories the
// fallback walk holds (sandbox.go, up to 49) and the eventfd of a
// poll_oneoff waiting on fds (poll.go; a sleep holds none): a call holds
// at most two others (rename's and link's two parents, or a parent and
// the file path_open is about to insert), and the reserve covers them.
const reserveMin = 256

var (
	hostFDs budget.Counter // held by guest fd tables, process-wide
	// hostFDCap is a lazy.Value, not a sync.OnceValue, whose call in
	// the initialiser would be package initialisation.
	hostFDCap = lazy.Value[int64]{New: func() int64 {
		var rl unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
			return 1 << 20
		}
		return budgetFor(int64(rl.Cur))
	}}
	// hostFDCapOverride replaces hostFDCap when positive (tests).
	hostFDCapOverride atomic.Int64
)

// budgetFor is the guests' share of a descriptor limit.
func budgetFor(limit int64) int64 {
	return limit - max(limit/4, reserveMin)
}

var errHostFDs error = constError("process-wide budget of guest file descriptors exhausted (RLIMIT_NOFILE)")

// hostFDLimit is the process-wide budget.
func hostFDLimit() int64 {
	if limit := hostFDCapOverride.Load(); limit > 0 {
		return limit
	}
	return hostFDCap.Get()
}

// instanceShare is the most fds (stdio, preopens and sockets included) a
// System left at DefaultMaxOpenFiles holds: a quarter of the budget, at
// least minShare. With the default RLIMIT_NOFILE Go sets (the hard limit,
// commonly 2^19 or 2^20) it is far above DefaultMaxOpenFiles; with a hard
// limit of 1024 it is 192.
func instanceShare() int {
	return int(max(hostFDLimit()/4, minShare))
}

// acquireHostFD takes one descriptor from the process-wide budget.
func acquireHostFD() bool { return hostFDs.Take(hostFDLimit()) }

func releaseHostFD() { hostFDs.Add(-1) }

// setLimits resolves the limits in cfg into s.
func (s *System) setLimits(cfg Config) error {
	switch {
	case cfg.MaxOpenFiles < 0:
		return fmt.Errorf("wasi: MaxOpenFiles %d is negative", cfg.MaxOpenFiles)
	case cfg.MaxOutputBytes < 0:
		return fmt.Errorf("wasi: MaxOutputBytes %d is negative", cfg.MaxOutputBytes)
	}
	s.maxOpen = cfg.MaxOpenFiles
	s.shareCapped = s.maxOpen == 0
	if s.shareCapped {
		s.maxOpen = DefaultMaxOpenFiles
	}
	if n := 3 + len(cfg.Preopens) + len(cfg.Sockets); n > s.maxOpen {
		return fmt.Errorf("wasi: MaxOpenFiles %d leaves no room for stdio, %d preopens and %d sockets", s.maxOpen, len(cfg.Preopens), len(cfg.Sockets))
	}
	if cfg.MaxOutputBytes > 0 {
		s.outLimited = true
		s.outLeft.Store(cfg.MaxOutputBytes)
		s.onOutLimit = cfg.OnOutputLimit
	}
	return nil
}

// admitConfigured counts a descriptor New opened for a preopen or socket
// against the process-wide budget. On false the caller closes it.
func (s *System) admitConfigured(e *fdEntry) bool {
	if !acquireHostFD() {
		unix.Close(e.fd)
		e.fd = -1
		return false
	}
	e.counted = true
	return true
}

// OutputLimited reports whether Config.MaxOutputBytes has cut short or
// refused (EFBIG) a write to stdout or stderr.
func (s *System) OutputLimited() bool { return s.outHit.Load() }

// takeOutput reserves room for a write of want bytes to e: all of it when
// e is not stdout/stderr or there is no limit, else what is left of the
// budget. A write that gets 0 of a non-zero want fails with EFBIG. What the
// write does not use goes back through returnOutput.
func (s *System) takeOutput(e *fdEntry, want int64) (int64, Errno) {
	if !e.output || !s.outLimited || want == 0 {
		return want, ErrnoSuccess
	}
	for {
		left := s.outLeft.Load()
		got := min(left, want)
		if got == 0 {
			s.hitOutputLimit()
			return 0, ErrnoFbig
		}
		if s.outLeft.CompareAndSwap(left, left-got) {
			if got < want {
				s.hitOutputLimit()
			}
			return got, ErrnoSuccess
		}
	}
}

// hitOutputLimit records that the limit cut or refused a write and, the
// first time, tells the embedder.
func (s *System) hitOutputLimit() {
	if !s.outHit.Swap(true) && s.onOutLimit != nil {
		s.onOutLimit()
	}
}

// returnOutput gives back the part of a reservation a write did not use.
func (s *System) returnOutput(e *fdEntry, reserved int64, wrote int) {
	if e.output && s.outLimited && reserved > int64(wrote) {
		s.outLeft.Add(reserved - int64(wrote))
	}
}

// Read-only preopens. Their entries, and every entry opened beneath them,
// hold none of rightsMutate, in base or inheriting, so fd_fdstat_get tells
// the guest the truth. What wasmtime does with a read-only directory
// (DirPerms without MUTATE, FilePerms without WRITE) decides the errnos:
//   - anything that would change the tree (create, mkdir, link, rename,
//     symlink, unlink, rmdir, set times, path_open with oflags creat or
//     trunc or with a write right: fd_write, fd_datasync, fd_allocate,
//     fd_filestat_set_size) is EPERM, wasmtime's NotPermitted. Linux would
//     say EROFS; wasmtime never does.
//   - fd_write and fd_pwrite on a file opened beneath one are EBADF, as
//     for a file not open for writing.
//   - path_open narrows the other mutate rights out of a request rather
//     than refuse it: Go's os.Open asks for path_create_file and the like
//     on every read-only open, and wasi-libc asks for whatever the
//     directory's inheriting rights allow.
const rightsMutate = rightFdDatasync | rightFdWrite | rightFdAllocate |
	rightPathCreateDirectory | rightPathCreateFile | rightPathLinkSource |
	rightPathLinkTarget | rightPathRenameSource | rightPathRenameTarget |
	rightPathFilestatSetSize | rightPathFilestatSetTimes |
	rightFdFilestatSetSize | rightFdFilestatSetTimes | rightPathSymlink |
	rightPathRemoveDirectory | rightPathUnlinkFile

// denied is the errno for e lacking some of need.
func (e *fdEntry) denied(need uint64) Errno {
	if e.readOnly && (need&^e.base.Load())&rightsMutate != 0 {
		return ErrnoPerm
	}
	return ErrnoNotcapable
}

// output is the step that applies MaxOutputBytes to a write of iov to e:
// it returns the part of iov the budget allows and the reservation to
// settle with returnOutput once the write is done.
func (c *call) output(e *fdEntry, iov [][]byte) ([][]byte, int64) {
	if !c.ok() {
		return nil, 0
	}
	want := totalLen(iov)
	got, errno := c.s.takeOutput(e, want)
	c.fail(errno)
	if got < want {
		iov = capIov(iov, int(got))
	}
	return iov, got
}
