package wasi

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ownProcEntry reports whether hfd, just opened for the guest, is a file
// or directory of this process's own procfs entry (/proc/PID/..., the
// same as /proc/self, /proc/thread-self and /proc/PID/task/TID). Such a
// file is the host process itself: /proc/self/mem reads and writes its
// memory (other instances' included, and its code: a guest that could
// write it runs native code in the host), environ and auxv hold what the
// guest was not given, maps defeats ASLR. A preopen that reaches /proc
// (`--dir-ro=/`, as for Go programs, or /proc itself) must not hand them
// out, so path_open refuses them, whatever the preopen's rights. Other
// processes' entries stay subject to the file system's own permissions,
// like every other file beneath a preopen.
//
// st is hfd's fstat. Only files of a virtual file system (device major
// 0: procfs, tmpfs, overlay...) pay for the fstatfs; procfs files then
// for procPath, which names the file from the root of its procfs, and
// those in a process directory for isOtherProcess. Where either cannot
// tell, the file is refused.
//
// The path from the procfs root, not the file's path on the host: a
// procfs mounted under a numeric directory (/srv/7/proc) put another
// number first, and a bind mount of /proc/PID (or of /proc/self, which
// the kernel resolves at mount time) none at all, and both handed out the
// host's memory.
func ownProcEntry(hfd int, st *unix.Stat_t) bool {
	if unix.Major(st.Dev) != 0 {
		return false
	}
	var fs unix.Statfs_t
	if err := unix.Fstatfs(hfd, &fs); err != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	path, root, mountPoint, ok := procPath(hfd)
	if !ok {
		return true
	}
	// Which process a directory is cannot be told from its number: a
	// procfs of another pid namespace (an outer one's, bind-mounted into
	// the host's container, or /proc itself where the host was put in a
	// pid namespace without remounting it) numbers the host differently,
	// and another process may have the host's number there. So the
	// process directory itself is asked.
	x, _, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
	if !isPidName(x) {
		return false
	}
	dir, ok := pidDirPath(root, mountPoint, x)
	return !ok || !isOtherProcess(dir)
}

// procNonce is a random value at an address of this process: a process
// directory whose mem holds it there is this process's, whatever the
// pid namespace of the procfs it was found in.
var (
	procNonce     [16]byte
	procNonceOnce sync.Once
)

// isOtherProcess reports whether the procfs directory dir (a host path)
// is known to be some other process's: its mem cannot be opened by this
// process (a process may always open its own), or does not hold
// procNonce at procNonce's address. Anything else (dir gone, not on
// procfs, mem unreadable) is not known, and false.
func isOtherProcess(dir string) bool {
	procNonceOnce.Do(func() {
		if n, err := unix.Getrandom(procNonce[:], 0); err != nil || n != len(procNonce) {
			procNonce = [16]byte{} // then a zero mem there counts as ours
		}
	})
	dfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(dfd)
	var fs unix.Statfs_t
	if err := unix.Fstatfs(dfd, &fs); err != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	mfd, err := unix.Openat(dfd, "mem", unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == unix.EACCES || err == unix.EPERM {
		// Ptrace access denied, never so for oneself; unless a security
		// module refuses mem files altogether, which the host's own
		// would show.
		own, err := unix.Open("/proc/self/mem", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return false
		}
		unix.Close(own)
		return true
	}
	if err != nil {
		return false
	}
	defer unix.Close(mfd)
	var got [16]byte
	n, err := unix.Pread(mfd, got[:], int64(uintptr(unsafe.Pointer(&procNonce[0]))))
	if err != nil {
		return err == unix.EIO // nothing mapped there: not this process
	}
	return n != len(got) || got != procNonce
}

// isPidName reports whether c is a process (or thread) directory's name.
func isPidName(c string) bool {
	n, err := strconv.Atoi(c)
	return err == nil && n > 0 && c[0] != '+' && c[0] != '0'
}

// pidDirPath is the host path of process directory x of a procfs mounted
// at mountPoint with root root (see procPath): beneath the mount point
// for a whole procfs, the mount point itself for a bind mount of it.
func pidDirPath(root, mountPoint, x string) (string, bool) {
	switch strings.TrimRight(root, "/") {
	case "":
		return strings.TrimRight(mountPoint, "/") + "/" + x, true
	case "/" + x:
		return mountPoint, true
	}
	return "", false
}

// procPath is the path of hfd, a procfs file, from the root of its
// procfs: the root of the mount it was opened through (mountinfo's fourth
// field: "/" for a procfs mount, "/PID" for a bind mount of /proc/PID)
// followed by the part of the file's path (as /proc/self/fd/N names it)
// below that mount's mount point (the fifth field). The mount is the one
// /proc/self/fdinfo/N names by mnt_id.
func procPath(hfd int) (path, root, mountPoint string, ok bool) {
	n := strconv.Itoa(hfd)
	buf := make([]byte, unix.PathMax)
	k, err := unix.Readlink("/proc/self/fd/"+n, buf)
	if err != nil || k >= len(buf) {
		return "", "", "", false
	}
	info, err := os.ReadFile("/proc/self/fdinfo/" + n)
	if err != nil {
		return "", "", "", false
	}
	mnt := ""
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "mnt_id:"); ok {
			mnt = strings.TrimSpace(v)
		}
	}
	if mnt == "" {
		return "", "", "", false
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", "", "", false
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[0] != mnt {
			continue
		}
		root, mountPoint = unescapeMountinfo(f[3]), unescapeMountinfo(f[4])
		path, ok = procRelPath(string(buf[:k]), root, mountPoint)
		return path, root, mountPoint, ok
	}
	return "", "", "", false
}

// procRelPath joins root (a mount's root within its file system) with the
// part of path below mountPoint.
func procRelPath(path, root, mountPoint string) (string, bool) {
	rel := path
	if mountPoint != "/" {
		var ok bool
		rel, ok = strings.CutPrefix(path, mountPoint)
		if !ok || rel != "" && rel[0] != '/' {
			return "", false
		}
	}
	return strings.TrimRight(root, "/") + rel, true
}

// unescapeMountinfo undoes mountinfo's octal escapes (\040 for a space,
// \011, \012, \134).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
