package load

import (
	"time"

	"golang.org/x/sys/unix"
)

// FileID is what a regular file's fstat says of its content's version:
// the file itself (device and inode), its size, and its modification and
// change times. The kernel sets the change time to the present on every
// change of the file, its content included, and no one can set it back
// (utimensat sets the modification time, and so changes the change time
// too), so while a file's FileID is the same, so is its content: for a
// FileID taken at least Settle after the file's last change (see
// Settled).
type FileID struct {
	Dev, Ino     uint64
	Size         int64
	Mtime, Ctime int64 // nanoseconds since 1970
	// At is when the fstat was made.
	At time.Time
}

// Settle is how long a file must have been left alone before its FileID
// stands for its content. A change's time is the kernel's coarse clock
// (a tick, 1-10 ms, behind the present), and some file systems keep
// times in whole seconds (two for FAT's modification time): a change
// made in the same tick or second as the one a FileID saw could leave
// the times as they were. A change made at least Settle later cannot.
const Settle = 2 * time.Second

// Settled says whether id's file had been left alone for Settle when it
// was stat'ed: only then does a later change give it another FileID.
func (id FileID) Settled() bool {
	last := max(id.Mtime, id.Ctime)
	return id.At.Sub(time.Unix(0, last)) >= Settle
}

func fileID(st *unix.Stat_t) FileID {
	return FileID{
		Dev: st.Dev, Ino: st.Ino, Size: st.Size,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(),
		At: time.Now(),
	}
}

// Known has FileOrContents ask, before it reads a regular file named
// .wasm, whether the caller already holds the module the file compiles
// to, by the file's FileID (from the fstat made before anything is
// read): known returns that module, which FileOrContents returns as it
// is, or nil to have the file read as usual. The compile cache answers
// from its record of files it has seen (compile.Cache.LookupFile), so a
// warm start neither reads nor hashes the .wasm.
func Known(known func(FileID) *Module) Option {
	return func(o *options) { o.known = known }
}
