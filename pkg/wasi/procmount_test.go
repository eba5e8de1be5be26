package wasi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// mountProc mounts a procfs (or bind-mounts src when it is not "") at a
// fresh directory under a numeric path component, for tests that need
// procfs somewhere other than /proc. It skips, saying why, where the test
// may not mount (not root, no CAP_SYS_ADMIN, a seccomp filter).
func mountProc(t *testing.T, src string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "7", "proc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var err error
	if src == "" {
		err = unix.Mount("proc", dir, "proc", 0, "")
	} else {
		err = unix.Mount(src, dir, "", unix.MS_BIND, "")
	}
	if err != nil {
		t.Skipf("cannot mount procfs at %s (needs CAP_SYS_ADMIN): %v", dir, err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// A procfs mounted elsewhere than /proc, under a path with a numeric
// component (a container root such as /srv/7/proc), or a bind mount of
// the host's own /proc/PID, is still the host process: before the fix the
// check took the first numeric component of the file's path (7 here, or
// none in a bind mount of /proc/self) for the process, and a guest given
// such a directory read and wrote the host's memory.
func TestOwnProcEntryElsewhere(t *testing.T) {
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skipf("no procfs: %v", err)
	}
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		name, src string
		paths     []string
		links     []string
	}{
		{"procfs mount", "", []string{"self/mem", pid + "/mem", "thread-self/environ", "self"}, []string{"self/exe", pid + "/cwd"}},
		{"bind of /proc/PID", "/proc/" + pid, []string{"mem", "environ", "task", "."}, []string{"exe", "cwd", "fd/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := mountProc(t, tc.src)
			eachResolver(t, func(t *testing.T, walk bool) {
				h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "/p"}}})
				h.s.walk = walk
				for _, p := range tc.paths {
					fd, e := h.open(3, true, p, 0, rightFdRead, 0, 0)
					if e != ErrnoAcces {
						t.Errorf("open %s: errno %d, want %d", p, e, ErrnoAcces)
					}
					if e == ErrnoSuccess {
						h.call("fd_close", uint64(fd))
					}
				}
				// Nor may its links be read: they name host files.
				for _, p := range tc.links {
					if _, e := h.readlink(3, p, 256); e != ErrnoAcces {
						t.Errorf("readlink %s: errno %d, want %d", p, e, ErrnoAcces)
					}
				}
				if tc.src == "" {
					// Not every procfs file is the host's.
					fd, e := h.open(3, true, "cpuinfo", 0, rightFdRead, 0, 0)
					if e != ErrnoSuccess {
						t.Errorf("open cpuinfo: errno %d, want success", e)
					} else {
						h.call("fd_close", uint64(fd))
					}
				}
			})
		})
	}
}

// pidNSChildEnv carries the outer procfs to the re-executed test.
const pidNSChildEnv = "LUCET_WASI_TEST_OUTER_PROC"

// A host in a pid namespace of its own, given a procfs of an outer one
// (a monitoring container's /hostproc, or /proc itself where the runtime
// did not remount it): there the host's entry is under its outer pid,
// which neither getpid nor /proc/self/task know, and before the fix a
// guest opened the host's mem through "self/mem". The test re-executes
// itself in new pid and mount namespaces (skipping, saying why, where it
// may not create them), mounts that namespace's procfs on /proc and hands
// the guest the outer one.
func TestOwnProcEntryOtherPidNS(t *testing.T) {
	if outer := os.Getenv(pidNSChildEnv); outer != "" {
		if os.Getpid() != 1 {
			t.Fatalf("child not in a new pid namespace: pid %d", os.Getpid())
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			t.Fatalf("make mounts private: %v", err)
		}
		if err := unix.Mount("proc", "/proc", "proc", 0, ""); err != nil {
			t.Fatalf("mount the namespace's procfs: %v", err)
		}
		eachResolver(t, func(t *testing.T, walk bool) {
			h := newHarness(t, Config{Preopens: []Preopen{{HostPath: outer, GuestPath: "/p"}}})
			h.s.walk = walk
			for _, p := range []string{"self/mem", "self/environ", "thread-self/mem", "self"} {
				fd, e := h.open(3, true, p, 0, rightFdRead, 0, 0)
				if e != ErrnoAcces {
					t.Errorf("open %s: errno %d, want %d", p, e, ErrnoAcces)
				}
				if e == ErrnoSuccess {
					h.call("fd_close", uint64(fd))
				}
			}
			if _, e := h.readlink(3, "self/exe", 256); e != ErrnoAcces {
				t.Errorf("readlink self/exe: errno %d, want %d", e, ErrnoAcces)
			}
			// Other processes' entries are still there: pid 1 of the
			// outer namespace is not the host.
			fd, e := h.open(3, true, "1/stat", 0, rightFdRead, 0, 0)
			if e != ErrnoSuccess {
				t.Errorf("open 1/stat: errno %d, want success", e)
			} else {
				h.call("fd_close", uint64(fd))
			}
		})
		return
	}
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skipf("no procfs: %v", err)
	}
	outer := mountProc(t, "")
	cmd := exec.Command(os.Args[0], "-test.run=^TestOwnProcEntryOtherPidNS$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), pidNSChildEnv+"="+outer)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Skipf("cannot start a process in new pid and mount namespaces: %v", err)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestOwnProcEntryOtherPidNS") {
		t.Fatalf("child did not run the test:\n%s", out)
	}
}
