// Package version says which lucet this binary is: the module version and
// the VCS revision it was built from, read once from the Go build info.
// It is the one source of that fact for --version, the compiler version
// recorded in objects, and the compile cache's key.
package version

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
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
// VCS revision of a clean build, otherwise the executable's path, size and
// modification time.
func CompilerID() string {
	idOnce.Do(func() {
		i := Get()
		if i.Revision != "" && !i.Modified {
			id = i.Revision
			return
		}
		id = "dev"
		if exe, err := os.Executable(); err == nil {
			if st, err := os.Stat(exe); err == nil {
				id = fmt.Sprintf("dev %s %d %d", exe, st.Size(), st.ModTime().UnixNano())
			}
		}
	})
	return id
}
