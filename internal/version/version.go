// Package version says which lucet this binary is: the module version and
// the VCS revision it was built from, read once from the Go build info.
// It is the one source of that fact for --version, the compiler version
// recorded in objects, and the compile cache's key.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
)

// Info is what the build info says about this binary.
type Info struct {
	Module   string // module version, "(devel)" for a build from a checkout
	Revision string // VCS revision, "" when the build had no VCS information
	Modified bool   // the work tree had uncommitted changes
	Go       string // the Go toolchain that built it
}

var (
	once sync.Once
	info Info
)

// Get returns the build's Info.
func Get() Info {
	once.Do(func() {
		info = Info{Module: "(devel)"}
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			return
		}
		info.Go = bi.GoVersion
		if v := bi.Main.Version; v != "" {
			info.Module = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	})
	return info
}

// String is the one-line form --version prints and objects record:
// "(devel) 5d69056a1b2c" or "v0.3.0 5d69056a1b2c+dirty".
func (i Info) String() string {
	s := i.Module
	if i.Revision != "" {
		r := i.Revision
		if len(r) > 12 {
			r = r[:12]
		}
		if strings.HasSuffix(strings.TrimSuffix(s, "+dirty"), "-"+r) {
			// A pseudo-version (v0.0.0-20261204203457-3e0e67f0519b) already
			// names the revision and its dirtiness.
			return s
		}
		s += " " + r
		if i.Modified {
			s += "+dirty"
		}
	}
	return s
}

var (
	idOnce sync.Once
	id     string
)

// CompilerID identifies the code that compiles, finely enough that a
// rebuilt compiler never reuses its predecessor's cached objects: the full
// VCS revision of a clean build, otherwise the executable file's identity
// (device and inode), size, and modification and change times. A rebuild
// writes a new file or new times; the change time cannot be set back.
//
// The file is stat'ed through /proc/self/exe, one system call; resolving
// the link first (os.Executable) and stat'ing the path it names made two,
// and the readlink was a third of the cache key's cost on a warm start
// (scripts/startprof.sh, lucet-run hello.wasm).
func CompilerID() string {
	idOnce.Do(func() {
		i := Get()
		if i.Revision != "" && !i.Modified {
			id = i.Revision
			return
		}
		id = "dev"
		var st syscall.Stat_t
		if err := syscall.Stat("/proc/self/exe", &st); err == nil {
			id = fmt.Sprintf("dev %d:%d %d %d %d", st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano())
		}
	})
	return id
}
