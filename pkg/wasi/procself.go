package wasi

import (
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
// for a readlink of /proc/self/fd/N, whose answer names the process
// directory (/proc/PID/...). If that cannot be read, the file is refused.
func ownProcEntry(hfd int, st *unix.Stat_t) bool {
	if unix.Major(st.Dev) != 0 {
		return false
	}
	var fs unix.Statfs_t
	if err := unix.Fstatfs(hfd, &fs); err != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	buf := make([]byte, 256)
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(hfd), buf)
	if err != nil || n >= len(buf) {
		return true
	}
	return namesOwnProcess(string(buf[:n]), unix.Getpid(), func(tid int) bool {
		var s unix.Stat_t
		return unix.Stat("/proc/self/task/"+strconv.Itoa(tid), &s) == nil
	})
}

// namesOwnProcess reports whether path, a procfs path as the kernel
// prints it, lies in the directory of process pid or of one of its
// threads (isTask says whether a TID is one of them). The first numeric
// component after the mount point is the process (or thread) directory;
// anything else on procfs (/proc/cpuinfo, /proc/sys/...) is not a
// process's own.
func namesOwnProcess(path string, pid int, isTask func(int) bool) bool {
	for _, c := range strings.Split(path, "/") {
		n, err := strconv.Atoi(c)
		if err != nil || n <= 0 || c[0] == '+' || c[0] == '0' {
			continue
		}
		return n == pid || isTask(n)
	}
	return false
}
