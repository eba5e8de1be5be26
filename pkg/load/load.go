// Package load reads a compiled module back: it parses and verifies an ELF
// object written by pkg/link and maps its code read+execute.
//
// In: a file path, the file's bytes, or an object.Object straight from
// codegen. Out: a Module holding the decoded metadata and one executable
// mapping of the code that every instance of the module shares.
//
// Nothing is mapped executable before the file has passed every check: ELF
// identity (64-bit little-endian x86-64 ET_DYN), the module header, the format
// and ABI versions, section ranges, the CRC-32C of everything it reads (the
// SHA-256 identity too, for Inspect), the metadata's own consistency, and
// the CPU features the code needs.
package load

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/cpuid"
	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
)

// Module is a loaded module. Its code stays mapped until Close (or until
// the Module becomes unreachable): instances must keep the Module alive
// while they run.
type Module struct {
	Meta *object.Meta
	// Code is .text mapped read+execute (nil when the module has no
	// code). It is never writable.
	Code []byte
	// Path is the file the module came from ("" for Bytes and FromObject).
	Path string
	// Checksum is the module's SHA-256 as recorded in and verified against
	// the file; zero for FromObject.
	Checksum [32]byte
	// Data is the pre-laid-out image of memory 0 (see link); nil for
	// FromObject. The runtime uses it when Data.Complete (the active
	// segments' bytes are then only there: object.Data.InImage), else it
	// applies the metadata's segments (Meta.DataSegments).
	Data *link.DataImage

	// mappings are unmapped by Close: the code's, and for File the whole
	// file (Data points into it).
	mappings [][]byte
	cleanup  runtime.Cleanup
	derived  sync.Map // see Derived
}

// File loads the module at path. A regular file is mapped rather than read:
// the checks read it through the page cache, and its code pages become the
// module's read+execute mapping in place (one mprotect, no copy), so
// starting a process on a module touches only the pages it runs. Where
// that is impossible (not a regular file, an unaligned or unpadded .text, a
// filesystem mounted noexec) the code is copied as for Bytes.
//
// The file must not be truncated or rewritten in place while the module is
// loaded (as with dlopen); lucetc replaces its output by rename, which is
// safe.
func File(path string, opts ...Option) (*Module, error) {
	f, err := Open(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	return FromFile(f, opts...)
}

// Open opens path for reading with a raw open: os.Open would first try to
// register the file with Go's network poller, setting the poller up (an
// epoll instance, an eventfd, a thread waiting on them) in every process
// that loads a module and never polls.
func Open(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// FromFile is File for a file already open for reading (f.Name() is the
// path); f may be closed once it returns.
func FromFile(f *os.File, opts ...Option) (*Module, error) {
	m, err := fromFile(f, newOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("load: %s: %w", f.Name(), err)
	}
	m.Path = f.Name()
	return m, nil
}

// FromFD is FromFile for a regular file of size bytes open at fd (name
// is its path, for errors and Module.Path) that the caller has already
// fstat'ed, as the compile cache has to check an entry's owner and mode:
// a second fstat would only repeat it. A descriptor rather than an
// *os.File, which the cache does not make: os.NewFile registers a
// descriptor opened O_NONBLOCK (as the cache opens its entries) with Go's
// network poller. fd may be closed once it returns.
func FromFD(fd int, name string, size int64, opts ...Option) (*Module, error) {
	m, _, err := fromFD(fd, size, true, false, newOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("load: %s: %w", name, err)
	}
	m.Path = name
	return m, nil
}

func fromFile(f *os.File, o *options) (*Module, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	m, _, err := fromFD(int(f.Fd()), st.Size(), st.Mode().IsRegular(), false, o)
	return m, err
}

// fromFD loads the file open at fd (size bytes, as its fstat said). A
// regular file is mapped; anything else, a signed object (see below) and a
// file too small for an ELF header are read. With orContents, a file that
// is not an ELF file at all comes back as its contents instead of
// ErrNotELF. fd's offset is never used: regular files are read with pread.
func fromFD(fd int, size int64, regular, orContents bool, o *options) (*Module, []byte, error) {
	// A signed object is read into private memory first: code executed in
	// place from the file would be whatever the file holds later, not
	// what the signature covered (see verify.go).
	if regular && size > sniff.Max {
		return nil, nil, &sniff.TooLargeError{Limit: sniff.Max}
	}
	if !regular || size < 64 || size > math.MaxInt32 || o.keys != nil || o.read {
		b, err := readFD(fd, size, regular)
		if err != nil {
			return nil, nil, err
		}
		if orContents && !isELF(b) {
			return nil, b, nil
		}
		m, err := fromBytes(b, o)
		return m, nil, err
	}
	b, err := mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, fmt.Errorf("mmap: %w", err)
	}
	return fromMapping(fd, b, size, regular, orContents, o)
}

// fromMapping is fromFD's work on b, the file mapped whole. A page of b
// past the file's end (the file cut short since its fstat: a build
// rewriting a .wasm in place as lucet-run starts on it, a cp over an
// object) faults with SIGBUS when read, which the Go runtime makes a fatal
// error unless the goroutine asked for a panic instead: the reads here
// are made under debug.SetPanicOnFault, and such a fault becomes an
// error (TestFileTruncatedWhileLoading). b is unmapped on every error.
// (Once the module is loaded the file must stay as it is, as File says.)
func fromMapping(fd int, b []byte, size int64, regular, orContents bool, o *options) (m *Module, contents []byte, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(interface{ Addr() uintptr })
			if !ok {
				panic(r)
			}
			munmap(b)
			m, contents = nil, nil
			err = fmt.Errorf("the file changed while it was read (cut short? a fault at offset %#x of the %d bytes it had)", f.Addr()-uintptr(unsafe.Pointer(unsafe.SliceData(b))), size)
		}
	}()
	if orContents && !isELF(b) {
		// A .wasm to compile: read, not copied from the mapping, which
		// would fault in every page of it.
		munmap(b)
		b, err := readFD(fd, size, regular)
		return nil, b, err
	}
	// The CRC in parse reads every page, and mapping them all in one call
	// costs less than the faults that would (one per 64 KiB window of
	// each part of the file). Only now, not with MAP_POPULATE: a .wasm
	// is read instead, and mapping all of it would be waste. The code
	// gets a mapping of its own (execInPlace), so nothing changes these
	// pages' protection once they are mapped. Kernels before 5.14 refuse
	// the advice, which changes nothing but the cost.
	unix.Madvise(b, unix.MADV_POPULATE_READ)
	p, err := parseSigned(b, false, o.keys)
	if err == nil {
		err = o.verify(p, b)
	}
	if err == nil {
		err = checkFeatures(p.Meta.Features)
	}
	if err != nil {
		munmap(b)
		return nil, nil, err
	}
	m = &Module{Meta: p.Meta, Checksum: p.Header.Checksum, Data: p.Data}
	maps := append(make([][]byte, 0, 2), b) // the file's and the code's
	if code, mapping, ok := execInPlace(fd, b, p.Header.TextOff, p.Header.TextSize); ok {
		m.Code = code
		maps = append(maps, mapping)
	} else if len(p.Text) > 0 {
		code, err := copyCode(p.Text)
		if err != nil {
			munmap(b)
			return nil, nil, err
		}
		m.Code = code[:len(p.Text):len(p.Text)]
		maps = append(maps, code)
	}
	m.own(maps)
	return m, nil, nil
}

func isELF(b []byte) bool { return len(b) >= 4 && string(b[:4]) == "\x7fELF" }

// readFD reads the whole file open at fd: from offset 0 with pread when it
// is regular (size is then its length when stat'ed, a hint), else from
// where it stands.
func readFD(fd int, size int64, regular bool) ([]byte, error) {
	if !regular {
		// A pipe, a FIFO or /dev/zero: of unknown length, perhaps
		// endless, and refused as soon as it cannot be a module.
		b, err := sniff.ReadAll(FDReader(fd), nil, 0)
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		return b, nil
	}
	// A regular file is looked at before it is read whole: a 4 GiB file
	// of zeros was read into memory (20 s, 4 GiB) before anything
	// refused it, and a .wasm past the decoder's limit is refused by its
	// size (see sniff.ReadSized).
	b, err := sniff.ReadSized(&preader{fd: fd}, size, 0)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return b, nil
}

// preader reads a file descriptor it does not own from offset 0 on,
// with pread (leaving the descriptor's offset alone), retrying EINTR.
type preader struct {
	fd  int
	off int64
}

func (r *preader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Pread(r.fd, p, r.off)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		r.off += int64(n)
		return n, nil
	}
}

// FDReader reads a file descriptor it does not own, retrying EINTR (the
// compile cache reads its entries with it too).
type FDReader int

func (r FDReader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// FileOrContents is File for a caller that compiles what is not an object
// (package compile): a file that is not an ELF file at all (a .wasm, a
// text module) comes back as its contents, with a nil Module, instead of
// as ErrNotELF. Errors are File's, but for opening (a *os.PathError) and
// a directory. Loading an object this way makes five system calls: open,
// fstat, mmap, the mprotect of its code and close (File, through
// *os.File, makes a fcntl and a second fstat too).
func FileOrContents(path string, opts ...Option) (*Module, []byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, nil, fmt.Errorf("load: %s: stat: %w", path, err)
	}
	mode := st.Mode & unix.S_IFMT
	if mode == unix.S_IFDIR {
		return nil, nil, fmt.Errorf("%s: is a directory, not a module", path)
	}
	// A file named .wasm is read from the start, not mapped: mapping it
	// to look at its first bytes, then unmapping it and reading it (a
	// .wasm is compiled from private memory) was an mmap, a page fault
	// and a munmap (a TLB flush on every CPU the process ran on) more
	// per run of lucet-run hello.wasm with the cache warm. Whatever such
	// a file holds is still told by its content: an object named .wasm
	// loads from the bytes read, as a signed object does.
	o := newOptions(opts)
	o.read = strings.HasSuffix(path, ".wasm")
	if o.read && o.known != nil && mode == unix.S_IFREG {
		if m := o.known(fileID(&st)); m != nil {
			return m, nil, nil
		}
	}
	m, b, err := fromFD(fd, st.Size, mode == unix.S_IFREG, true, o)
	if err != nil {
		return nil, nil, fmt.Errorf("load: %s: %w", path, err)
	}
	if m != nil {
		m.Path = path
	}
	return m, b, nil
}

// execInPlace maps the pages of the file open at fd that hold .text
// (mapped read-only at b) a second time, read+execute, and returns the
// code and that mapping. It declines unless .text starts on a page and
// the rest of its last page is int3 padding (as pkg/link writes it), so
// the code ends in traps exactly as a copied image does.
//
// A mapping of its own rather than an mprotect of b's pages: those are
// mapped (parse has read them all), so changing their protection means
// flushing them from the TLB of every CPU this process ran on, an
// interrupt to the other vCPU on a VM; a fresh mapping has nothing to
// flush (the code's pages are mapped on its first call instead).
func execInPlace(fd int, b []byte, off, size uint64) (code, mapping []byte, ok bool) {
	pg := uint64(os.Getpagesize())
	if size == 0 || off%pg != 0 {
		return nil, nil, false
	}
	end := (off + size + pg - 1) &^ (pg - 1)
	if end > uint64(len(b)) {
		return nil, nil, false
	}
	if !allInt3(b[off+size : end]) {
		return nil, nil, false
	}
	mapping, err := mmap(fd, int64(off), int(end-off), unix.PROT_READ|unix.PROT_EXEC, unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false // e.g. a noexec mount
	}
	return mapping[:size:size], mapping, true
}

// allInt3 reports whether every byte of p is 0xcc (int3). It reads eight
// bytes at a time: the padding after .text is up to a page, and a loop
// over bytes cost lucet-run hello.so ~17,600 instructions (callgrind) for
// its 2,930 bytes.
func allInt3(p []byte) bool {
	const int3s = 0xcccccccccccccccc
	var diff uint64
	for len(p) >= 8 {
		diff |= binary.LittleEndian.Uint64(p) ^ int3s
		p = p[8:]
	}
	for _, c := range p {
		diff |= uint64(c ^ 0xcc)
	}
	return diff == 0
}

// Bytes loads a module from the bytes of its file. The module may keep
// references into b (the data image), so b must not be modified afterwards.
func Bytes(b []byte, opts ...Option) (*Module, error) {
	m, err := fromBytes(b, newOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return m, nil
}

// FromObject maps o's code without writing and parsing an ELF file. The
// module refers to o.Meta, which must not change afterwards.
func FromObject(o *object.Object) (*Module, error) {
	if o.Meta.FormatVersion != object.FormatVersion {
		return nil, fmt.Errorf("load: object has format version %d, this build reads %d", o.Meta.FormatVersion, object.FormatVersion)
	}
	if o.Meta.ABIVersion != abi.Version {
		return nil, fmt.Errorf("load: object has ABI version %d, this runtime supports %d", o.Meta.ABIVersion, abi.Version)
	}
	if err := o.Meta.Check(len(o.Text)); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := checkDataImage(&o.Meta, nil); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := checkFeatures(o.Meta.Features); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	m := &Module{Meta: &o.Meta}
	// The object keeps its segments' bytes; the image made from them is
	// the same one a linked file carries, so instantiating does one copy
	// per page, not one per segment, and allocates no segment table.
	m.Data = link.ImageOf(&o.Meta)
	if err := m.mapCode(o.Text); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return m, nil
}

func fromBytes(b []byte, o *options) (*Module, error) {
	p, err := parseSigned(b, false, o.keys)
	if err != nil {
		return nil, err
	}
	if err := o.verify(p, b); err != nil {
		return nil, err
	}
	if err := checkFeatures(p.Meta.Features); err != nil {
		return nil, err
	}
	m := &Module{Meta: p.Meta, Checksum: p.Header.Checksum, Data: p.Data}
	if err := m.mapCode(p.Text); err != nil {
		return nil, err
	}
	return m, nil
}

// Derived returns the value kept with the module under key, building it
// first if there is none: what a user of the module derives from it once
// and shares between every store (the runtime's per-module tables), so
// that instantiating in a fresh store does not derive it again. Under a
// race build may run twice; one result is kept (a discarded one that is
// an io.Closer is closed). Close closes every value that is an io.Closer.
func (m *Module) Derived(key any, build func() any) any {
	if v, ok := m.derived.Load(key); ok {
		return v
	}
	nv := build()
	v, loaded := m.derived.LoadOrStore(key, nv)
	if loaded {
		// Only now the type assertion: the first of a concrete type to an
		// interface builds its itab, which at process start is a fresh
		// page of runtime memory touched for nothing.
		if c, ok := nv.(io.Closer); ok {
			c.Close()
		}
	}
	return v
}

// CodeAddr is the address of code offset off. off must be within Code.
func (m *Module) CodeAddr(off uint32) uintptr {
	if int(off) >= len(m.Code) {
		panic(fmt.Sprintf("load: code offset %#x outside the %#x-byte text", off, len(m.Code)))
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(m.Code))) + uintptr(off)
}

// Close unmaps the code. The module must not be used, nor any of its
// instances run, afterwards. Close is idempotent but not safe to call
// concurrently with itself.
func (m *Module) Close() error {
	var err error
	// What users derived may hold descriptors or mappings of its own
	// (the runtime's memory image): it goes with the module.
	m.derived.Range(func(k, v any) bool {
		if c, ok := v.(io.Closer); ok {
			if e := c.Close(); e != nil && err == nil {
				err = fmt.Errorf("load: close: %w", e)
			}
		}
		m.derived.Delete(k)
		return true
	})
	if m.mappings == nil {
		return err
	}
	m.cleanup.Stop()
	for _, b := range m.mappings {
		if e := munmap(b); e != nil && err == nil {
			err = fmt.Errorf("load: munmap: %w", e)
		}
	}
	m.mappings, m.Code, m.Data = nil, nil, nil
	return err
}

// mapCode copies text into a fresh read+execute mapping owned by m.
func (m *Module) mapCode(text []byte) error {
	if len(text) == 0 {
		return nil
	}
	mem, err := copyCode(text)
	if err != nil {
		return err
	}
	m.Code = mem[:len(text):len(text)]
	m.own([][]byte{mem})
	return nil
}

// copyCode copies text into a fresh anonymous mapping and turns it
// read+execute, so the code is never writable and executable at once.
func copyCode(text []byte) ([]byte, error) {
	pg := os.Getpagesize()
	size := (len(text) + pg - 1) &^ (pg - 1)
	mem, err := mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("mmap %d bytes for code: %w", size, err)
	}
	copy(mem, text)
	// Running off the end of the code hits int3 rather than zeros.
	for i := len(text); i < size; i++ {
		mem[i] = 0xcc
	}
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		munmap(mem)
		return nil, fmt.Errorf("mprotect code read+execute: %w", err)
	}
	return mem, nil
}

// own makes the mappings m's: unmapped by Close, or once m is unreachable.
func (m *Module) own(maps [][]byte) {
	m.mappings = maps
	m.cleanup = runtime.AddCleanup(m, func(maps [][]byte) {
		for _, b := range maps {
			munmap(b)
		}
	}, maps)
}

// HostFeatures returns the object.Feature* bits this CPU supports.
func HostFeatures() uint64 { return hostFeatures(cpuid.X86()) }

// hostFeatures returns the object.Feature* bits of cpu.
func hostFeatures(cpu cpuid.Features) uint64 {
	var f uint64
	for _, x := range []struct {
		has bool
		bit uint64
	}{
		// The SSE4.1 baseline includes SSSE3 (pshufb and friends in
		// SIMD code); every SSE4.1 CPU has it.
		{cpu.SSE41 && cpu.SSSE3, object.FeatureSSE41},
		{cpu.SSE42, object.FeatureSSE42},
		{cpu.POPCNT, object.FeaturePOPCNT},
		{cpu.LZCNT, object.FeatureLZCNT},
		{cpu.BMI1, object.FeatureBMI1},
		{cpu.BMI2, object.FeatureBMI2},
		{cpu.AVX, object.FeatureAVX},
		{cpu.AVX2, object.FeatureAVX2},
		{cpu.ERMS, object.FeatureERMS},
	} {
		if x.has {
			f |= x.bit
		}
	}
	return f
}

// ErrCPUFeatures is wrapped by the error for a module that needs CPU
// features this machine lacks.
var ErrCPUFeatures = errors.New("CPU lacks features the code needs")

func checkFeatures(need uint64) error {
	// A module that does not need LZCNT is checked without asking for it:
	// the runtime's detection answers for the rest, and LZCNT would take
	// a CPUID (cpuid.X86Base), an exit to the host under a hypervisor.
	cpu := cpuid.X86Base()
	if need&object.FeatureLZCNT != 0 {
		cpu = cpuid.X86()
	}
	if missing := need &^ object.TuningFeatures &^ hostFeatures(cpu); missing != 0 {
		hint := "recompile with lucetc --target-cpu=native"
		if missing&object.FeatureSSE41 != 0 {
			hint = "lucet's code, SIMD included, needs SSE4.1 on every host"
		}
		return fmt.Errorf("%w: %s (%s)", ErrCPUFeatures, object.FeatureString(missing), hint)
	}
	return nil
}

// Image is a module file that passed every check but the CPU features,
// decoded and not mapped: what tools such as lucet-objdump inspect.
type Image struct {
	Header link.Header
	Text   []byte // .text, a sub-slice of the file
	Meta   *object.Meta
	Data   *link.DataImage
}

// Inspect verifies and decodes a module file without mapping it or
// requiring that this CPU can run it.
func Inspect(b []byte) (*Image, error) {
	img, err := parse(b, true)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return img, nil
}

// ErrNotModule is wrapped by the error for an ELF file that pkg/link did not
// write.
var ErrNotModule = errors.New("not a lucet module")

// parse checks b and decodes it, without mapping anything; fullSum also
// verifies the SHA-256. Every offset
// read from the file is checked against len(b) before use.
func parse(b []byte, fullSum bool) (*Image, error) { return parseSigned(b, fullSum, nil) }

// parseSigned is parse that, when keys is not nil (RequireSignature),
// checks the signature as soon as the header has located the parts it
// covers, before the CRC and before the metadata is decoded: the
// metadata decoder, the largest parser of the file, then sees only what
// a trusted key signed. Only the ELF and section headers' bounds and the
// module header's fixed layout are read before it.
func parseSigned(b []byte, fullSum bool, keys [][]byte) (*Image, error) {
	if len(b) < 4 || string(b[:4]) != "\x7fELF" {
		return nil, ErrNotELF
	}
	if len(b) < 64 {
		return nil, fmt.Errorf("truncated ELF header (%d bytes)", len(b))
	}
	if b[4] != 2 || b[5] != 1 || b[6] != 1 {
		return nil, fmt.Errorf("%w: not a 64-bit little-endian ELF version 1 file", ErrNotModule)
	}
	le := binary.LittleEndian
	if typ, mach := le.Uint16(b[16:]), le.Uint16(b[18:]); typ != 3 || mach != 62 {
		return nil, fmt.Errorf("%w: ELF type %d machine %d, want a shared object (3) for x86-64 (62)", ErrNotModule, typ, mach)
	}
	phoff, phentsize, phnum := le.Uint64(b[32:]), uint64(le.Uint16(b[54:])), uint64(le.Uint16(b[56:]))
	if phentsize != 56 {
		return nil, fmt.Errorf("bad program header size %d", phentsize)
	}
	if phoff > uint64(len(b)) || phnum > (uint64(len(b))-phoff)/56 {
		return nil, fmt.Errorf("truncated: %d program headers at %#x do not fit the %d-byte file", phnum, phoff, len(b))
	}
	// The section headers come last in the files link writes, so this
	// also catches a file cut short after the parts the loader reads.
	shoff, shentsize, shnum := le.Uint64(b[40:]), uint64(le.Uint16(b[58:])), uint64(le.Uint16(b[60:]))
	if shentsize != 64 || shnum == 0 {
		return nil, fmt.Errorf("%w: no section headers", ErrNotModule)
	}
	if shoff > uint64(len(b)) || shnum > (uint64(len(b))-shoff)/64 {
		return nil, fmt.Errorf("truncated: %d section headers at %#x do not fit the %d-byte file", shnum, shoff, len(b))
	}
	type prog struct {
		typ, flags         uint32
		off, vaddr, filesz uint64
	}
	// On the stack for the few program headers link writes (one
	// allocation less per load), on the heap for a stranger file.
	var progBuf [8]prog
	progs := progBuf[:0]
	if phnum > uint64(len(progBuf)) {
		progs = make([]prog, phnum)
	}
	progs = progs[:phnum]
	for i := range progs {
		ph := b[phoff+56*uint64(i):]
		progs[i] = prog{le.Uint32(ph), le.Uint32(ph[4:]), le.Uint64(ph[8:]), le.Uint64(ph[16:]), le.Uint64(ph[32:])}
	}

	hdrBytes, err := findHeader(b, shoff, shnum, uint64(le.Uint16(b[62:])))
	if err != nil {
		return nil, err
	}
	// The format version first: an object from another lucetc may have a
	// header of another size, and "recompile" is the useful answer.
	if len(hdrBytes) >= 12 && string(hdrBytes[:8]) == link.HeaderMagic {
		if v := binary.LittleEndian.Uint32(hdrBytes[8:]); v != object.FormatVersion {
			return nil, versionError(hdrBytes, "object format", v, object.FormatVersion)
		}
	}
	h, err := link.DecodeHeader(hdrBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotModule, err)
	}
	if h.FormatVersion != object.FormatVersion {
		return nil, versionError(hdrBytes, "object format", h.FormatVersion, object.FormatVersion)
	}
	section := func(name string, off, size uint64) ([]byte, error) {
		if off > uint64(len(b)) || size > uint64(len(b))-off {
			return nil, fmt.Errorf("truncated or corrupt: %s [%#x, +%#x) outside the %d-byte file", name, off, size, len(b))
		}
		return b[off : off+size : off+size], nil
	}
	text, err := section(".text", h.TextOff, h.TextSize)
	if err != nil {
		return nil, err
	}
	metaB, err := section(".lucet.meta", h.MetaOff, h.MetaSize)
	if err != nil {
		return nil, err
	}
	dataB, err := section(".lucet.data", h.DataOff, h.DataSize)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		if err := verifySignature(&h, text, metaB, dataB, keys); err != nil {
			return nil, err
		}
		fullSum = false // verifySignature compared the SHA-256
	}
	// The CRC on every load; the SHA-256 identity too when inspecting (it
	// costs ten times as much and catches no more corruption).
	if crc := link.CRC(&h, text, metaB, dataB); crc != h.CRC {
		return nil, fmt.Errorf("checksum mismatch: file is corrupt (recorded crc32c %08x, computed %08x)", h.CRC, crc)
	}
	if fullSum {
		if sum := link.Checksum(&h, text, metaB, dataB); sum != h.Checksum {
			// Copies: slicing h's array for the message would move h to
			// the heap on every load (a fresh size class at start, a
			// page fault), not just on this path.
			rec, got := h.Checksum, sum
			return nil, fmt.Errorf("checksum mismatch: file is corrupt (recorded sha256 %x…, computed %x…)", rec[:6], got[:6])
		}
	}
	if h.ABIVersion != abi.Version {
		return nil, versionError(hdrBytes, "ABI", h.ABIVersion, abi.Version)
	}
	// The code must lie in an executable load segment, so that mapping it
	// straight from the file stays possible.
	if h.TextSize > 0 {
		ok := false
		for _, p := range progs {
			if p.typ == 1 && p.flags&1 != 0 && p.off <= h.TextOff && h.TextOff-p.off <= p.filesz && h.TextSize <= p.filesz-(h.TextOff-p.off) {
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("%w: .text is not inside an executable segment", ErrNotModule)
		}
	}
	// The image and its metadata in one allocation: they live as long.
	im := new(struct {
		img  Image
		meta object.Meta
	})
	meta := &im.meta
	// The site table and data bytes stay in b, which outlives the module
	// (File keeps the file mapped; Bytes and Inspect callers must not
	// modify b).
	if err := meta.UnmarshalAliased(metaB); err != nil {
		return nil, err
	}
	if meta.ABIVersion != h.ABIVersion || meta.Features != h.Features {
		return nil, fmt.Errorf("metadata disagrees with the module header (ABI %d/%d, features %#x/%#x)", meta.ABIVersion, h.ABIVersion, meta.Features, h.Features)
	}
	if err := meta.Check(len(text)); err != nil {
		return nil, err
	}
	data, err := link.DecodeDataImage(dataB)
	if err != nil {
		return nil, err
	}
	im.img = Image{Header: h, Text: text, Meta: meta, Data: data}
	return &im.img, nil
}

// findHeader returns the contents of the module header section, looked up
// by name through the section headers (already checked to fit b).
func findHeader(b []byte, shoff, shnum, shstrndx uint64) ([]byte, error) {
	le := binary.LittleEndian
	sh := func(i uint64) []byte { return b[shoff+64*i : shoff+64*i+64] }
	if shstrndx >= shnum {
		return nil, fmt.Errorf("%w: section name table index %d out of range", ErrNotModule, shstrndx)
	}
	strOff, strSize := le.Uint64(sh(shstrndx)[24:]), le.Uint64(sh(shstrndx)[32:])
	if strOff > uint64(len(b)) || strSize > uint64(len(b))-strOff {
		return nil, fmt.Errorf("truncated or corrupt: section name table outside the file")
	}
	names := b[strOff : strOff+strSize]
	want := link.HeaderSection + "\x00"
	for i := uint64(0); i < shnum; i++ {
		h := sh(i)
		name := uint64(le.Uint32(h))
		if name >= uint64(len(names)) || !bytes.HasPrefix(names[name:], []byte(want)) {
			continue
		}
		off, size := le.Uint64(h[24:]), le.Uint64(h[32:])
		if off > uint64(len(b)) || size > uint64(len(b))-off {
			return nil, fmt.Errorf("truncated or corrupt: %s outside the file", link.HeaderSection)
		}
		return b[off : off+size], nil
	}
	return nil, fmt.Errorf("%w: no %s section (not written by lucetc?)", ErrNotModule, link.HeaderSection)
}
