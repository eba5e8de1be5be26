package wasi

import (
	"os"
	"strconv"
	"strings"

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
// for procPath, which names the file from the root of its procfs. If that
// cannot be found, the file is refused.
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
	path, ok := procPath(hfd)
	if !ok {
		return true
	}
	return namesOwnProcess(path, unix.Getpid(), func(tid int) bool {
		var s unix.Stat_t
		return unix.Stat("/proc/self/task/"+strconv.Itoa(tid), &s) == nil
	})
}

// procPath is the path of hfd, a procfs file, from the root of its
// procfs: the root of the mount it was opened through (mountinfo's fourth
// field: "/" for a procfs mount, "/PID" for a bind mount of /proc/PID)
// followed by the part of the file's path (as /proc/self/fd/N names it)
// below that mount's mount point (the fifth field). The mount is the one
// /proc/self/fdinfo/N names by mnt_id.
func procPath(hfd int) (string, bool) {
	n := strconv.Itoa(hfd)
	buf := make([]byte, unix.PathMax)
	k, err := unix.Readlink("/proc/self/fd/"+n, buf)
	if err != nil || k >= len(buf) {
		return "", false
	}
	path := string(buf[:k])
	info, err := os.ReadFile("/proc/self/fdinfo/" + n)
	if err != nil {
		return "", false
	}
	mnt := ""
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "mnt_id:"); ok {
			mnt = strings.TrimSpace(v)
		}
	}
	if mnt == "" {
		return "", false
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[0] != mnt {
			continue
		}
		return procRelPath(path, unescapeMountinfo(f[3]), unescapeMountinfo(f[4]))
	}
	return "", false
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

// namesOwnProcess reports whether path, a file's path from the root of its
// procfs, lies in the directory of process pid or of one of its threads
// (isTask says whether a TID is one of them): whether its first component
// is that number. Anything else on procfs (/cpuinfo, /sys/...) is not a
// process's own.
func namesOwnProcess(path string, pid int, isTask func(int) bool) bool {
	c, _, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
	n, err := strconv.Atoi(c)
	if err != nil || n <= 0 || c[0] == '+' || c[0] == '0' {
		return false
	}
	return n == pid || isTask(n)
}
