package compile

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/sha256"
	"github.com/lucet-go/lucet/internal/version"
	"github.com/lucet-go/lucet/pkg/load"
)

// DefaultMaxBytes bounds the cache unless told otherwise: room for a few
// dozen Go programs (tens of MiB each compiled).
const DefaultMaxBytes = 2 << 30

// Cache is a directory of compiled objects. An entry is two files named by
// its key: KEY.so, the object as lucetc would write it, and KEY.src, the
// record of the SHA-256 of the .wasm it came from and the object's own
// checksum. The key covers the module's bytes, the compiler's identity
// (version.CompilerID) and every option that changes code. A third kind
// of file, FILEKEY.sid, records what a .wasm file held, so that a file
// served before is not read again while it is unchanged (fileindex.go).
//
// Anyone else who can write to the directory could have their code run, so
// the directory must be the user's and not writable by group or others,
// and so must each entry: anything else is ignored with a warning and
// recompiled, never loaded. An entry is used only when its record names
// the very module being loaded and its object is the one the record names.
// Entries are written to temporary files and renamed into place, so a
// concurrent reader sees a whole entry or none. Past MaxBytes the least
// recently used entries are removed, and so are they when the disk has no
// room left for a new entry.
type Cache struct {
	Dir string
	// MaxBytes bounds the entries' total size (0: DefaultMaxBytes;
	// negative: no bound).
	MaxBytes int64
	// Warn, when not nil, is told (once per message) about an entry or
	// directory that is ignored, and about an entry that could not be
	// written; the run goes on either way.
	Warn func(msg string)

	once   sync.Once
	ok     bool
	warned sync.Map
}

// DefaultCache is the cache the tools use: in $LUCET_CACHE_DIR if set,
// else $XDG_CACHE_HOME/lucet, else ~/.cache/lucet; bounded by
// $LUCET_CACHE_MAX (a size such as 500MiB) if set, else DefaultMaxBytes.
func DefaultCache() (*Cache, error) {
	c := &Cache{}
	if d := os.Getenv("LUCET_CACHE_DIR"); d != "" {
		c.Dir = d
	} else {
		d, err := os.UserCacheDir() // $XDG_CACHE_HOME, else ~/.cache
		if err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
		c.Dir = filepath.Join(d, "lucet")
	}
	if v := os.Getenv("LUCET_CACHE_MAX"); v != "" {
		n, err := cliflag.ParseSize(v)
		if err != nil {
			return nil, fmt.Errorf("LUCET_CACHE_MAX=%s: want a size such as 500MiB or 4GiB", v)
		}
		c.MaxBytes = int64(n)
		if n == 0 {
			c.MaxBytes = -1
		}
	}
	return c, nil
}

func (c *Cache) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if c.Warn == nil {
		return
	}
	if _, dup := c.warned.LoadOrStore(msg, true); !dup {
		c.Warn(msg)
	}
}

func (c *Cache) maxBytes() int64 {
	if c.MaxBytes == 0 {
		return DefaultMaxBytes
	}
	return c.MaxBytes
}

// Key names the object compiled from b with opts by this compiler.
func Key(b []byte, opts Options) string { return key(sha256.Sum256(b), opts) }

// key hashes the compiler's identity, every option but Parallel (how many
// threads compile does not change the code) and the source's SHA-256,
// each field in a fixed order and length-prefixed or fixed-width, so that
// no two keys' inputs are the same bytes. It had formatted the options
// with %#v, which walked them by reflection on every warm start (40 K of
// the 61 K instructions of the key, callgrind of lucet-run hello.wasm);
// TestKeyCoversEveryOption fails for an option added to Options but not
// here.
func key(src [32]byte, opts Options) string {
	id := version.CompilerID()
	b := make([]byte, 0, 96+len(id)+len(opts.Arch))
	b = append(b, "lucet cache 3\n"...)
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = append(b, id...)
	b = binary.AppendVarint(b, int64(opts.OptLevel))
	b = binary.AppendUvarint(b, uint64(opts.Bounds))
	b = binary.AppendUvarint(b, opts.MemReserve)
	b = binary.AppendUvarint(b, opts.MemGuard)
	b = binary.AppendUvarint(b, opts.Features)
	if opts.Fuel {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(opts.Arch)))
	b = append(b, opts.Arch...)
	b = append(b, src[:]...)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// usable makes the directory (0700) and checks that it is safe to use.
func (c *Cache) usable() bool {
	c.once.Do(func() {
		// The directory exists on every run but the first: one stat
		// then, where MkdirAll and a Stat after it made two.
		st, err := os.Stat(c.Dir)
		if err != nil || !st.IsDir() {
			if err := os.MkdirAll(c.Dir, 0o700); err != nil {
				c.warn("cache directory %s cannot be created (%v); compiling without the cache", c.Dir, unwrapPath(err))
				return
			}
			st, err = os.Stat(c.Dir)
		}
		if err != nil {
			c.warn("cache directory %s: %v; compiling without the cache", c.Dir, unwrapPath(err))
			return
		}
		if why := untrusted(st.Sys().(*syscall.Stat_t)); why != "" {
			c.warn("cache directory %s is %s; ignoring it and compiling without the cache", c.Dir, why)
			return
		}
		c.ok = true
	})
	return c.ok
}

// untrusted says why a file or directory of the cache may not be trusted,
// or "".
func untrusted(st *syscall.Stat_t) string {
	if int(st.Uid) != os.Getuid() {
		return fmt.Sprintf("owned by uid %d, not by this user (uid %d)", st.Uid, os.Getuid())
	}
	if p := fs.FileMode(st.Mode) & fs.ModePerm; p&0o022 != 0 {
		return fmt.Sprintf("writable by group or others (mode %#o)", p)
	}
	if t := st.Mode & syscall.S_IFMT; t != syscall.S_IFDIR && t != syscall.S_IFREG {
		return "not a regular file"
	}
	return ""
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (c *Cache) path(key, ext string) string { return filepath.Join(c.Dir, key+ext) }

// openTrusted opens a file of the cache without following a symbolic link,
// and only if it passes untrusted; st is its fstat. A raw descriptor, not
// an *os.File: os.OpenFile would register each file with Go's network
// poller (setting the poller up on the first: an epoll instance and an
// eventfd) and switch it to non-blocking and back, and os.NewFile does
// the same for a descriptor opened O_NONBLOCK, as these are: eight
// system calls a cache hit made for nothing (strace of lucet-run
// hello.wasm, cache warm). O_NONBLOCK because a FIFO planted as an entry
// would otherwise block the open until someone writes to it (a hang
// before any check could run); the fstat then refuses it, and regular
// files, the only ones read, ignore the flag.
func (c *Cache) openTrusted(path string) (fd int, st *syscall.Stat_t, err error) {
	fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return -1, nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	st = new(syscall.Stat_t)
	if err = syscall.Fstat(fd, st); err != nil {
		err = &os.PathError{Op: "fstat", Path: path, Err: err}
	} else if why := untrusted(st); why != "" || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		if why == "" {
			why = "not a regular file" // a directory: only the cache's own may be one
		}
		err = fmt.Errorf("cache entry %s is %s; ignoring it and recompiling", path, why)
		c.warn("%v", err)
	}
	if err != nil {
		syscall.Close(fd)
		return -1, nil, err
	}
	return fd, st, nil
}

// record is what KEY.src says about KEY.so: the module it was compiled
// from, the object's checksum, and KEY itself, which covers the compiler
// and the options. Without the key, an entry moved under the key of the
// same module compiled with other options (a swap of two entries' files)
// names the right module and the right object, and was loaded: code
// without fuel instrumentation for a run that meters fuel, which then
// failed to instantiate rather than recompile, or code of another
// optimisation level or bounds mode.
type record struct {
	source, object, key [32]byte
}

const recordMagic = "lucet cache entry 2"

func (r record) marshal() []byte {
	return fmt.Appendf(nil, "%s\nsource %x\nobject %x\nkey %x\n", recordMagic, r.source, r.object, r.key)
}

func newRecord(src, object [32]byte, key string) record {
	r := record{source: src, object: object}
	hex.Decode(r.key[:], []byte(key))
	return r
}

// parseRecord reads a record as marshal writes it, exactly (lowercase
// hex, one newline after each line); anything else is not one. The
// record is read into a buffer on the stack: bufio.Scanner's 4 KiB buffer
// was a size class nothing else on a warm start used, a fresh span and
// page for every lucet-run of a .wasm.
func parseRecord(rd io.Reader) (record, bool) {
	var r record
	const size = len(recordMagic) + len("\nsource \nobject \nkey \n") + 6*sha256.Size
	var buf [size + 1]byte
	n, err := io.ReadFull(rd, buf[:])
	if n != size || err != io.ErrUnexpectedEOF {
		return r, false // shorter, longer, or unreadable
	}
	b := buf[:n]
	for _, field := range []struct {
		prefix string
		dst    *[32]byte
	}{{recordMagic + "\nsource ", &r.source}, {"\nobject ", &r.object}, {"\nkey ", &r.key}} {
		if !bytes.HasPrefix(b, []byte(field.prefix)) {
			return r, false
		}
		b = b[len(field.prefix):]
		h := b[:2*sha256.Size]
		for _, c := range h {
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return r, false
			}
		}
		if _, err := hex.Decode(field.dst[:], h); err != nil {
			return r, false
		}
		b = b[len(h):]
	}
	return r, string(b) == "\n"
}

// get loads the entry for key if it is trusted and was compiled from the
// module whose hash is src.
func (c *Cache) get(key string, src [32]byte) (*load.Module, bool) {
	rf, rst, err := c.openTrusted(c.path(key, ".src"))
	if err != nil {
		return nil, false
	}
	rec, ok := parseRecord(load.FDReader(rf))
	syscall.Close(rf)
	if !ok || rec.source != src {
		c.warn("cache entry %s does not record the module being loaded; recompiling", c.path(key, ".src"))
		return nil, false
	}
	if hex.EncodeToString(rec.key[:]) != key {
		c.warn("cache entry %s records another compiler or other options; recompiling", c.path(key, ".src"))
		return nil, false
	}
	so := c.path(key, ".so")
	fd, st, err := c.openTrusted(so)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	m, err := load.FromFD(fd, so, st.Size)
	if err != nil {
		return nil, false // stale (an older object format) or damaged
	}
	if m.Checksum != rec.object {
		m.Close()
		c.warn("cache entry %s is not the object its record names; recompiling", c.path(key, ".so"))
		return nil, false
	}
	if now := time.Now(); now.Sub(time.Unix(rst.Mtim.Unix())) > usedResolution {
		os.Chtimes(c.path(key, ".src"), now, now) // least recently used goes first
	}
	return m, true
}

// usedResolution is how stale an entry's last-used time (its record's
// modification time, which eviction orders by) may grow before a hit
// writes it again. A run of the same module in a loop then costs one
// utimensat a minute rather than one a run (a write of the inode, which
// the file system journals). What eviction loses is order among entries
// used within a minute of each other: an entry's recorded use is at most
// this much older than its last real one, so it can go before another
// entry only if that one was used less than a minute later; an entry
// unused for longer than that is still ordered exactly, and the entry a
// write has just made is never the one evicted (evict and makeRoom keep
// it). A clock set back leaves a record's time in the future, which
// counts as fresh: it is refreshed once the clock passes it.
const usedResolution = time.Minute

// Lookup returns the module the cache holds for the .wasm module b
// compiled with opts, as Load would, and false where Load would compile
// (a miss, an entry it would not trust, bytes that are not a .wasm
// module): for a caller that gets ready to compile only when it must,
// and then calls Compile.
// (lucet-run gives back the Ps it holds through start-up before
// compiling, which a warm start then never pays for: lucet-run
// hello.wasm 0.09-0.10 ms less CPU, 6-7 page faults fewer.)
func (c *Cache) Lookup(b []byte, opts Options) (*load.Module, bool) {
	if !IsWasm(b) || !c.usable() {
		return nil, false
	}
	src := sha256.Sum256(b)
	return c.get(key(src, opts), src)
}

// load is Load of a .wasm module through the cache.
func (c *Cache) load(b []byte, opts Options) (*load.Module, error) {
	src := sha256.Sum256(b)
	k := key(src, opts)
	ok := c.usable()
	if ok {
		if m, hit := c.get(k, src); hit {
			return m, nil
		}
	}
	return c.compile(b, opts, src, k, ok)
}

// Compile is Load after a Lookup of the same b and opts missed: it
// compiles and stores the object without looking for it again (nor
// warning a second time of an entry it did not trust).
func (c *Cache) Compile(b []byte, opts Options) (*load.Module, error) {
	if !IsWasm(b) {
		return Load(b, opts, nil) // the cache holds only .wasm modules' objects
	}
	src := sha256.Sum256(b)
	return c.compile(b, opts, src, key(src, opts), c.usable())
}

// compile compiles the module b, whose hash is src, and stores it under
// key k when the cache is usable (ok).
func (c *Cache) compile(b []byte, opts Options, src [32]byte, k string, ok bool) (*load.Module, error) {
	elf, err := ELF(b, opts, nil)
	if err != nil {
		return nil, err
	}
	m, err := load.Bytes(elf)
	if err != nil {
		return nil, err
	}
	if ok {
		if err := c.put(k, newRecord(src, m.Checksum, k), elf); err != nil {
			c.warn("cache directory %s cannot be written (%v); compiled without the cache", c.Dir, unwrapPath(err))
		}
	}
	return m, nil
}

// put stores an entry: the object first, then the record that vouches for
// it, each written to a temporary file and renamed into place. A disk (or
// quota) that fills up before the cache reaches MaxBytes would otherwise
// keep every new module out of the cache for good: when a write fails for
// space, the least recently used entries make room for this one and the
// entry is written once more.
func (c *Cache) put(key string, rec record, elf []byte) error {
	r := rec.marshal()
	err := c.write(key, r, elf)
	if noSpace(err) && c.makeRoom(key, diskSize(len(elf))+diskSize(len(r))) {
		err = c.write(key, r, elf)
	}
	if err != nil {
		return err
	}
	c.evict(key)
	return nil
}

func (c *Cache) write(key string, rec, elf []byte) error {
	if err := writeAtomic(c.Dir, c.path(key, ".so"), elf); err != nil {
		return err
	}
	return writeAtomic(c.Dir, c.path(key, ".src"), rec)
}

// noSpace says whether err is a write that failed for want of space.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// diskSize is what a file of n bytes takes on disk, about: whole 4 KiB
// blocks.
func diskSize(n int) int64 { return (int64(n) + 4095) &^ 4095 }

// makeRoom removes least recently used entries (never keep) until they
// held need bytes in all, and leftovers of interrupted writes; it says
// whether it removed anything. Writers racing for the same full disk may
// each remove entries; the entries removed are at most about as large as
// the ones being written.
func (c *Cache) makeRoom(keep string, need int64) bool {
	entries, stale, err := c.scan()
	if err != nil {
		return false
	}
	removed := false
	for _, p := range stale {
		removed = os.Remove(p) == nil || removed
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	var freed int64
	for _, e := range entries {
		if freed >= need {
			break
		}
		if e.key == keep {
			continue
		}
		for _, f := range e.files {
			if os.Remove(f) == nil {
				removed = true
			}
		}
		freed += e.size // bytes, not blocks: errs on the side of room
	}
	return removed
}

const tmpPrefix = ".tmp-"

func writeAtomic(dir, path string, b []byte) error {
	f, err := os.CreateTemp(dir, tmpPrefix+"*") // mode 0600
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}

// entry is one cache entry as found on disk.
type entry struct {
	key   string
	size  int64
	used  time.Time
	files []string
	// object: the entry has a compiled object (KEY.so), which Stats
	// counts; a record of a file alone is not a module.
	object bool
}

// scan lists the entries, and the leftovers of interrupted writes older
// than an hour.
func (c *Cache) scan() (entries []*entry, stale []string, err error) {
	des, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]*entry{}
	old := time.Now().Add(-time.Hour)
	for _, de := range des {
		name := de.Name()
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if strings.HasPrefix(name, tmpPrefix) {
			if info.ModTime().Before(old) {
				stale = append(stale, filepath.Join(c.Dir, name))
			}
			continue
		}
		k, ok := entryName(name)
		if !ok {
			continue
		}
		e := byKey[k]
		if e == nil {
			e = &entry{key: k}
			byKey[k] = e
			entries = append(entries, e)
		}
		e.size += info.Size()
		e.object = e.object || strings.HasSuffix(name, ".so")
		e.files = append(e.files, filepath.Join(c.Dir, name))
		if t := info.ModTime(); t.After(e.used) {
			e.used = t
		}
	}
	return entries, stale, nil
}

// entryName splits the name of a cache entry's file, KEY.so or KEY.src
// with KEY a key as Key spells it (64 lowercase hex digits), or of a
// record of a file (KEY.sid, fileindex.go), which is an entry of its own
// to eviction and Clean. Nothing else
// in the directory is the cache's: a LUCET_CACHE_DIR pointed at a
// directory of one's own (a build directory, ".") must not have its
// libraries evicted or removed by --cache-clean.
func entryName(name string) (key string, ok bool) {
	key, ext, ok := strings.Cut(name, ".")
	if !ok || ext != "so" && ext != "src" && ext != "sid" || len(key) != 2*sha256.Size {
		return "", false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return key, true
}

// evict removes least recently used entries (never keep) until the cache
// is under 90% of its bound, and leftovers of interrupted writes.
func (c *Cache) evict(keep string) {
	limit := c.maxBytes()
	entries, stale, err := c.scan()
	if err != nil {
		return
	}
	for _, p := range stale {
		os.Remove(p)
	}
	if limit < 0 {
		return
	}
	var total int64
	for _, e := range entries {
		total += e.size
	}
	if total <= limit {
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if total <= limit/10*9 {
			break
		}
		if e.key == keep {
			continue
		}
		for _, f := range e.files {
			os.Remove(f)
		}
		total -= e.size
	}
}

// Stats describes the cache's contents.
type Stats struct {
	Dir      string
	Entries  int
	Bytes    int64
	MaxBytes int64 // negative: no bound
}

// Stats counts the entries and their size. A cache directory that does
// not exist yet is empty.
func (c *Cache) Stats() (Stats, error) {
	s := Stats{Dir: c.Dir, MaxBytes: c.maxBytes()}
	entries, _, err := c.scan()
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("cache: %w", err)
	}
	for _, e := range entries {
		if e.object {
			s.Entries++
		}
		s.Bytes += e.size
	}
	return s, nil
}

// Clean removes every entry and leftover temporary file, and returns what
// was there.
func (c *Cache) Clean() (Stats, error) {
	s, err := c.Stats()
	if err != nil {
		return s, err
	}
	des, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("cache: %w", err)
	}
	for _, de := range des {
		n := de.Name()
		if _, ok := entryName(n); ok || strings.HasPrefix(n, tmpPrefix) {
			if err := os.Remove(filepath.Join(c.Dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return s, fmt.Errorf("cache: %w", err)
			}
		}
	}
	return s, nil
}
