package compile

import (
	"encoding/hex"
	"fmt"
	"io"
	"syscall"

	"github.com/lucet-go/lucet/internal/sha256"
	"github.com/lucet-go/lucet/pkg/load"
)

// The cache's record of the .wasm files it has served: FILEKEY.sid, for
// FILEKEY the hash of a file's load.FileID (its inode, size and times),
// names the SHA-256 of the content the file had then. A warm start of a
// file seen before asks the record, not the file: no read of the .wasm,
// no hash of it (for a module of megabytes, milliseconds of each). The
// entry it then loads is checked as any other (its record must name that
// hash, its object the record's checksum).
//
// A record is written only for a file left alone for load.Settle before
// it was read, and names the FileID from the fstat made before the read:
// any change to the file after that gives it another FileID (a new
// change time), so the record can only ever be found by a file holding
// the content it names. Records are files of the cache like entries:
// trusted only as entries are, evicted least recently written first,
// removed by Clean.
const fileRecordMagic = "lucet cache file 1"

func fileKey(id load.FileID) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d %d %d %d %d\n", fileRecordMagic, id.Dev, id.Ino, id.Size, id.Mtime, id.Ctime)
	return hex.EncodeToString(h.Sum(nil))
}

func marshalFileRecord(src [32]byte) []byte {
	return fmt.Appendf(nil, "%s\nsource %x\n", fileRecordMagic, src)
}

// parseFileRecord reads a record as marshalFileRecord writes it, exactly
// (lowercase hex, one newline after each line); anything else is not one.
func parseFileRecord(rd io.Reader) (src [32]byte, ok bool) {
	const prefix = fileRecordMagic + "\nsource "
	const size = len(prefix) + 2*sha256.Size + 1
	var buf [size + 1]byte
	n, err := io.ReadFull(rd, buf[:])
	if n != size || err != io.ErrUnexpectedEOF || string(buf[:len(prefix)]) != prefix || buf[n-1] != '\n' {
		return src, false // shorter, longer, unreadable or another kind
	}
	h := buf[len(prefix) : n-1]
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return src, false
		}
	}
	_, err = hex.Decode(src[:], h)
	return src, err == nil
}

// lookupID is Lookup for the file whose FileID is id, from its record.
func (c *Cache) lookupID(id load.FileID, opts Options) (*load.Module, bool) {
	if !id.Settled() || !c.usable() {
		return nil, false
	}
	p := c.path(fileKey(id), ".sid")
	fd, _, err := c.openTrusted(p)
	if err != nil {
		return nil, false
	}
	src, ok := parseFileRecord(load.FDReader(fd))
	syscall.Close(fd)
	if !ok {
		c.warn("cache entry %s is not a record of a file; reading the file", p)
		return nil, false
	}
	return c.get(key(src, opts), src)
}

// remember records that the file whose FileID is id held the module whose
// hash is src. Failing to costs only the next start's read and hash.
func (c *Cache) remember(id load.FileID, src [32]byte) {
	if id.Settled() {
		writeAtomic(c.Dir, c.path(fileKey(id), ".sid"), marshalFileRecord(src))
	}
}

// LookupFile is load.FileOrContents of path followed by Lookup of a .wasm
// module it holds, but for a file the cache has served before, unchanged
// since, answered without reading it (see fileRecordMagic). It returns
// the module (an object the file holds, or the cache's entry), or the
// file's contents when they need compiling (then Compile) or are not a
// module at all.
func (c *Cache) LookupFile(path string, opts Options) (*load.Module, []byte, error) {
	var id load.FileID
	seen := false
	m, b, err := load.FileOrContents(path, load.Known(func(fid load.FileID) *load.Module {
		id, seen = fid, true
		m, _ := c.lookupID(fid, opts)
		return m
	}))
	if err != nil || m != nil || !IsWasm(b) || !c.usable() {
		return m, b, err
	}
	src := sha256.Sum256(b)
	if m, ok := c.get(key(src, opts), src); ok {
		if seen {
			c.remember(id, src)
		}
		return m, nil, nil
	}
	return nil, b, nil
}
