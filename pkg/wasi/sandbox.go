package wasi

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// The sandbox. A guest path is always relative to a directory fd the guest
// holds; resolving it must never name an inode outside that directory's
// tree, whatever "..", symlinks or concurrent renames do.
//
// Primary mechanism: openat2(2) with RESOLVE_BENEATH (the kernel refuses any
// step, including a symlink target or "..", that leaves the starting
// directory, with EXDEV) and RESOLVE_NO_MAGICLINKS (no /proc/self/fd jumps).
// Operations that are not opens get an O_PATH fd for the parent directory
// that way and then act on the last component with the *at syscall and
// AT_SYMLINK_NOFOLLOW, so the kernel never follows a final symlink on our
// behalf; where the spec asks to follow, resolveFinal follows the link
// itself, one step at a time and again beneath the base.
//
// Fallback (kernels before 5.6, or seccomp filters that return ENOSYS):
// walkOpen resolves one component at a time with O_PATH|O_NOFOLLOW, keeps
// its own stack of directory fds so ".." pops that stack instead of asking
// the kernel for a parent, and expands relative symlinks itself. It never
// joins paths on the host side.
//
// Errno for escapes: wasmtime (cap-std) reports every attempt to leave the
// base — absolute path, "..", symlink — as ErrorCode::NotPermitted, which
// preview1 turns into EPERM (wasi-testsuite interesting_paths asserts EPERM
// for "/dir/nested/file"). We do the same; ENOTCAPABLE stays reserved for
// missing rights, as in the spec. (Node's uvwasi says ENOTCAPABLE for
// escapes; errnoEscape is the one place to change to follow it instead.)
// The symlink path_symlink refuses to create (absolute target) uses it too.
const errnoEscape = ErrnoPerm

const resolveBeneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS

// maxSymlinks matches Linux's MAXSYMLINKS.
const maxSymlinks = 40

// maxWalkDepth bounds the walk's stack of open directory fds. Without it a
// guest could build a deep tree plus a chain of symlinks into it and make
// one resolution hold tens of thousands of host fds at once.
const maxWalkDepth = 512

var (
	openat2Once sync.Once
	openat2OK   bool
)

// openat2Available probes openat2 once per process.
func openat2Available() bool {
	openat2Once.Do(func() {
		fd, err := unix.Openat2(unix.AT_FDCWD, ".", &unix.OpenHow{
			Flags:   unix.O_PATH | unix.O_CLOEXEC,
			Resolve: resolveBeneath,
		})
		if err == nil {
			unix.Close(fd)
		}
		openat2OK = err != unix.ENOSYS && err != unix.EPERM
	})
	return openat2OK
}

// checkPath rejects guest paths that are not worth handing to the kernel.
func checkPath(p string) Errno {
	if !utf8.ValidString(p) {
		return ErrnoIlseq
	}
	if p == "" {
		return ErrnoNoent
	}
	if p[0] == '/' {
		return errnoEscape
	}
	if strings.IndexByte(p, 0) >= 0 {
		return ErrnoInval
	}
	return ErrnoSuccess
}

// resolveErrno maps an error from a resolution step. EXDEV out of openat2
// RESOLVE_BENEATH means "would escape"; it never means a cross-device
// operation here because resolution crosses mounts freely.
func resolveErrno(err error) Errno {
	if err == unix.EXDEV {
		return errnoEscape
	}
	return toErrno(err)
}

// openBeneath opens path relative to dirfd without leaving dirfd's tree.
// follow says whether a symlink in the last component is followed.
func (s *System) openBeneath(dirfd int, path string, flags int, mode uint32, follow bool) (int, Errno) {
	if e := checkPath(path); e != ErrnoSuccess {
		return -1, e
	}
	// Linux 6.4 and later refuse O_CREAT|O_DIRECTORY with EINVAL before
	// resolving anything; earlier kernels could create a regular file
	// and then fail with ENOTDIR. Refuse it here, for both resolvers and
	// every kernel alike.
	if flags&(unix.O_CREAT|unix.O_DIRECTORY) == unix.O_CREAT|unix.O_DIRECTORY && flags&unix.O_TMPFILE != unix.O_TMPFILE {
		return -1, ErrnoInval
	}
	flags |= unix.O_CLOEXEC
	if !follow {
		flags |= unix.O_NOFOLLOW
	}
	// openat2 is probed on the first path open, not when the System is
	// made: most guests (and every one without a preopen) open no path,
	// and the probe is two system calls at every start.
	if s.walk || !openat2Available() {
		return walkOpen(dirfd, path, flags, mode)
	}
	how := unix.OpenHow{Flags: uint64(flags), Resolve: resolveBeneath}
	if flags&unix.O_CREAT != 0 || flags&unix.O_TMPFILE == unix.O_TMPFILE {
		// openat2 rejects a mode without O_CREAT/O_TMPFILE. (O_TMPFILE
		// contains the O_DIRECTORY bit, hence the == test.)
		how.Mode = uint64(mode)
	}
	for tries := 0; ; tries++ {
		fd, err := unix.Openat2(dirfd, path, &how)
		if err == nil {
			return fd, ErrnoSuccess
		}
		// RESOLVE_BENEATH returns EAGAIN when a concurrent rename could
		// have let ".." race out; retrying is the documented answer.
		if (err == unix.EAGAIN || err == unix.EINTR) && tries < 64 {
			continue
		}
		return -1, resolveErrno(err)
	}
}

// walkOpen is the openat2-free resolver. flags already carry O_NOFOLLOW when
// the last component must not be followed.
//
// The walk keeps a stack of the directories it descended through, so ".."
// pops it. It does not hold a host fd for every level: a guest could make
// one resolution hold maxWalkDepth of them, more than the process keeps in
// reserve for the host (limits.go), and with a few guest threads walking
// at once exhaust the host's descriptors. A level's fd is held while it is
// among the walkWindow deepest or its depth is a multiple of walkWindow;
// the others keep their name, and a ".." that lands on one reopens it by
// name from the nearest held level above it (at most walkWindow opens).
// So one resolution holds at most maxWalkDepth/walkWindow + walkWindow + 1
// directory fds (49), and each is counted against the process-wide budget
// while held: past it the walk fails with ENFILE, as path_open would.
//
// Reopening by name stays beneath the base: every name on the stack was a
// directory (not "..", not a symlink: O_NOFOLLOW|O_DIRECTORY refuses one
// swapped in since), so the walk only ever descends from a held fd. A
// concurrent rename may make the reopened level another directory than the
// one first passed through, as it may for any path resolution.
func walkOpen(dirfd int, path string, flags int, mode uint32) (int, Errno) {
	follow := flags&unix.O_NOFOLLOW == 0
	flags |= unix.O_NOFOLLOW // every open we issue is no-follow; links are expanded here

	// stack[0] is the base and is not ours to close.
	w := walkStack{levels: []walkLevel{{fd: dirfd}}}
	defer w.closeAll()

	comps := strings.Split(path, "/")
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		last := len(comps) == 0

		switch c {
		case "", ".":
			if last {
				return openatRetry(w.cur(), ".", flags, mode)
			}
			continue
		case "..":
			if len(w.levels) == 1 {
				return -1, errnoEscape
			}
			if e := w.pop(); e != ErrnoSuccess {
				return -1, e
			}
			if last {
				return openatRetry(w.cur(), ".", flags, mode)
			}
			continue
		}

		// The last name, followed only by slashes, with O_CREAT: open(2)
		// says EISDIR before looking the name up, whether it exists, is
		// a file, or is a symlink (dangling, looping or not). The walk
		// would have said ENOENT, ENOTDIR, EEXIST or ELOOP.
		if flags&unix.O_CREAT != 0 && !last && onlySlashes(comps) {
			return -1, ErrnoIsdir
		}
		var st unix.Stat_t
		serr := unix.Fstatat(w.cur(), c, &st, unix.AT_SYMLINK_NOFOLLOW)
		isLink := serr == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
		if isLink && (!last || follow) {
			if last && flags&(unix.O_CREAT|unix.O_EXCL) == unix.O_CREAT|unix.O_EXCL {
				return -1, ErrnoExist // O_EXCL never follows, as in open(2)
			}
			links++
			if links > maxSymlinks {
				return -1, ErrnoLoop
			}
			target, e := readlinkAll(w.cur(), c)
			if e != ErrnoSuccess {
				return -1, e
			}
			if target == "" {
				return -1, ErrnoNoent
			}
			if target[0] == '/' {
				return -1, errnoEscape
			}
			comps = append(strings.Split(target, "/"), comps...)
			continue
		}
		if last {
			return openatRetry(w.cur(), c, flags, mode)
		}
		if serr != nil {
			return -1, toErrno(serr)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return -1, ErrnoNotdir
		}
		if len(w.levels) > maxWalkDepth {
			return -1, ErrnoNametoolong
		}
		if e := w.push(c); e != ErrnoSuccess {
			return -1, e
		}
	}
	// Only reachable for a path of no components, which checkPath rules out.
	return openatRetry(w.cur(), ".", flags, mode)
}

// onlySlashes says whether comps, the components left of a path split at
// "/", are all empty: what follows is slashes and nothing else.
func onlySlashes(comps []string) bool {
	for _, c := range comps {
		if c != "" {
			return false
		}
	}
	return true
}

// walkWindow: see walkOpen.
const walkWindow = 32

// walkLevel is one directory on the walk's stack: its host fd, or -1 when
// not held, and the name it was entered by from the level below.
type walkLevel struct {
	fd   int
	name string
}

type walkStack struct{ levels []walkLevel }

// cur is the deepest level's fd, which is always held.
func (w *walkStack) cur() int { return w.levels[len(w.levels)-1].fd }

// openLevel opens directory name beneath dirfd for the stack, counted
// against the process-wide budget. O_NOFOLLOW|O_DIRECTORY: if name was
// swapped for a symlink since it was checked, this fails instead of
// following it.
func openLevel(dirfd int, name string) (int, Errno) {
	if !acquireHostFD() {
		return -1, ErrnoNfile
	}
	fd, e := openatRetry(dirfd, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if e != ErrnoSuccess {
		releaseHostFD()
	}
	return fd, e
}

// drop closes level i's fd if the stack holds it.
func (w *walkStack) drop(i int) {
	if l := &w.levels[i]; i > 0 && l.fd >= 0 {
		unix.Close(l.fd)
		releaseHostFD()
		l.fd = -1
	}
}

// push descends into directory name and lets go of the level that leaves
// the window, unless it is a multiple of walkWindow.
func (w *walkStack) push(name string) Errno {
	fd, e := openLevel(w.cur(), name)
	if e != ErrnoSuccess {
		return e
	}
	w.levels = append(w.levels, walkLevel{fd: fd, name: name})
	if out := len(w.levels) - 1 - walkWindow; out > 0 && out%walkWindow != 0 {
		w.drop(out)
	}
	return ErrnoSuccess
}

// pop goes up one level and, if the new deepest level is not held, reopens
// it and the levels between it and the nearest held one by name.
func (w *walkStack) pop() Errno {
	top := len(w.levels) - 1
	w.drop(top)
	w.levels = w.levels[:top]
	top--
	j := top
	for w.levels[j].fd < 0 {
		j--
	}
	for i := j + 1; i <= top; i++ {
		fd, e := openLevel(w.levels[i-1].fd, w.levels[i].name)
		if e != ErrnoSuccess {
			return e
		}
		w.levels[i].fd = fd
	}
	return ErrnoSuccess
}

// closeAll lets go of every level the walk holds.
func (w *walkStack) closeAll() {
	for i := range w.levels {
		w.drop(i)
	}
}

func openatRetry(dirfd int, name string, flags int, mode uint32) (int, Errno) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, mode)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, toErrno(err)
		}
		return fd, ErrnoSuccess
	}
}

// readlinkAll reads a symlink target. Linux caps targets at PATH_MAX, so
// one buffer of that size is always enough.
func readlinkAll(dirfd int, name string) (string, Errno) {
	buf := make([]byte, unix.PathMax+1)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", toErrno(err)
	}
	if n > unix.PathMax {
		return "", ErrnoNametoolong
	}
	return string(buf[:n]), ErrnoSuccess
}

// parentRef names the object a non-open path operation acts on: a directory
// fd beneath the base (owned; call release) plus a single last component
// that contains no slash. trailing records that the guest path ended in
// "/", which callers must honour themselves since base has it stripped.
type parentRef struct {
	fd       int
	base     string
	trailing bool
}

func (p parentRef) release() { unix.Close(p.fd) }

// openParent splits path into parent directory and last component and opens
// the parent beneath dirfd.
func (s *System) openParent(dirfd int, path string) (parentRef, Errno) {
	if e := checkPath(path); e != ErrnoSuccess {
		return parentRef{fd: -1}, e
	}
	trimmed := strings.TrimRight(path, "/")
	ref := parentRef{fd: -1, trailing: len(trimmed) != len(path)}
	dir, base := ".", trimmed
	if i := strings.LastIndexByte(trimmed, '/'); i >= 0 {
		dir, base = trimmed[:i], trimmed[i+1:]
	}
	if base == ".." {
		// Acting on "x/.." by name would let the kernel resolve ".." from
		// the parent, which may be the base itself, i.e. step outside. Open
		// the directory it denotes (beneath-checked) and act on "." in it;
		// every mutating *at call then fails harmlessly (EEXIST, EINVAL,
		// EBUSY, ...) and stat/utimes see the right inode.
		fd, e := s.openBeneath(dirfd, trimmed, unix.O_PATH|unix.O_DIRECTORY, 0, true)
		if e != ErrnoSuccess {
			return ref, e
		}
		ref.fd, ref.base = fd, "."
		return ref, ErrnoSuccess
	}
	fd, e := s.openBeneath(dirfd, dir, unix.O_PATH|unix.O_DIRECTORY, 0, true)
	if e != ErrnoSuccess {
		return ref, e
	}
	ref.fd, ref.base = fd, base
	return ref, ErrnoSuccess
}

// resolveFinal is openParent that, when follow is set (or the path has a
// trailing slash, which makes POSIX follow), replaces a final symlink by its
// target until the last component is not a symlink. Each hop is resolved
// again beneath dirfd, so a link to "/" or "../.." is refused with EPERM.
func (s *System) resolveFinal(dirfd int, path string, follow bool) (parentRef, Errno) {
	for hops := 0; ; hops++ {
		ref, e := s.openParent(dirfd, path)
		if e != ErrnoSuccess || !(follow || ref.trailing) {
			return ref, e
		}
		var st unix.Stat_t
		if err := unix.Fstatat(ref.fd, ref.base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
			return ref, ErrnoSuccess
		}
		if hops >= maxSymlinks {
			ref.release()
			return parentRef{fd: -1}, ErrnoLoop
		}
		target, e := readlinkAll(ref.fd, ref.base)
		ref.release()
		if e != ErrnoSuccess {
			return parentRef{fd: -1}, e
		}
		if target == "" {
			return parentRef{fd: -1}, ErrnoNoent
		}
		if target[0] == '/' {
			return parentRef{fd: -1}, errnoEscape
		}
		trimmed := strings.TrimRight(path, "/")
		dir := ""
		if i := strings.LastIndexByte(trimmed, '/'); i >= 0 {
			dir = trimmed[:i+1]
		}
		next := dir + target
		if ref.trailing {
			next += "/"
		}
		path = next
	}
}
