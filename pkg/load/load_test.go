package load

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/cpuid"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func smallELF(t testing.TB) []byte {
	t.Helper()
	b, err := link.ELF(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	o := objtest.Small()
	b := smallELF(t)
	path := filepath.Join(t.TempDir(), "small.so")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile, err := File(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fromFile.Close()
	fromObj, err := FromObject(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	defer fromObj.Close()

	want := o.Meta
	want.Funcs = append([]object.Func(nil), want.Funcs...)
	want.Funcs[2].Name = "guest_func_3" // link names the unnamed function
	// The active segments' bytes are only in the memory image.
	want.Datas = append([]object.Data(nil), want.Datas...)
	for i, d := range want.Datas {
		if d.Mode != wasm.SegmentActive {
			continue
		}
		want.Datas[i] = object.Data{Mode: d.Mode, Offset: d.Offset, InImage: true, Len: uint32(len(d.Init))}
		if got := imageBytes(fromFile.Data, uint64(d.Offset.Value), len(d.Init)); !bytes.Equal(got, d.Init) {
			t.Errorf("data %d: image holds %q, want %q", i, got, d.Init)
		}
	}
	if !reflect.DeepEqual(*fromFile.Meta, want) {
		t.Errorf("meta differs after the ELF round trip:\n got %+v\nwant %+v", *fromFile.Meta, want)
	}
	if !reflect.DeepEqual(*fromObj.Meta, o.Meta) {
		t.Errorf("FromObject changed the meta")
	}
	for _, m := range []*Module{fromFile, fromObj} {
		if !bytes.Equal(m.Code, o.Text) {
			t.Errorf("code differs")
		}
		if got := m.CodeAddr(0x10); got != uintptr(unsafe.Pointer(&m.Code[0]))+0x10 {
			t.Errorf("CodeAddr(0x10) = %#x", got)
		}
	}
	if fromFile.Path != path || fromFile.Checksum == ([32]byte{}) {
		t.Errorf("path %q checksum %x", fromFile.Path, fromFile.Checksum)
	}
	if fromFile.Data == nil || !fromFile.Data.Complete || len(fromFile.Data.Pages) != 3 {
		t.Errorf("data image %+v", fromFile.Data)
	}
	if err := fromFile.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := fromFile.Close(); err != nil || fromFile.Code != nil {
		t.Errorf("second Close: %v, Code %v", err, fromFile.Code)
	}
}

// TestCodeNotWritable checks the mapping is read+execute only, by asking
// the kernel rather than by writing (which would crash the test).
func TestCodeNotWritable(t *testing.T) {
	m, err := Bytes(smallELF(t))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps to inspect mappings: %v", err)
	}
	addr := uintptr(unsafe.Pointer(&m.Code[0]))
	for _, line := range strings.Split(string(maps), "\n") {
		var lo, hi uintptr
		var perms string
		if n, _ := fmt.Sscanf(line, "%x-%x %s", &lo, &hi, &perms); n < 3 || addr < lo || addr >= hi {
			continue
		}
		if perms[:3] != "r-x" {
			t.Errorf("code mapped %s, want r-x", perms)
		}
		return
	}
	t.Errorf("code address %#x not found in /proc/self/maps", addr)
}

func TestEmptyModule(t *testing.T) {
	o := &object.Object{Meta: object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}}
	b, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Code != nil || m.Close() != nil {
		t.Errorf("empty module: code %v", m.Code)
	}
}

func TestRefuses(t *testing.T) {
	good := smallELF(t)
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	ls, _ := os.ReadFile("/bin/ls")
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "not an ELF file"},
		{"text file", []byte("hello world, this is not an object file at all......................"), "not an ELF file"},
		{"short header", good[:40], "truncated ELF header"},
		{"32-bit", mutate(func(b []byte) []byte { b[4] = 1; return b }), "not a lucet module"},
		{"big endian", mutate(func(b []byte) []byte { b[5] = 2; return b }), "not a lucet module"},
		{"executable", mutate(func(b []byte) []byte { b[16] = 2; return b }), "not a lucet module"},
		{"aarch64", mutate(func(b []byte) []byte { b[18] = 183; return b }), "not a lucet module"},
		{"no header section", mutate(func(b []byte) []byte { b[bytes.Index(b, []byte(".lucet.header\x00"))+1] = 'X'; return b }), "no .lucet.header section"},
		{"format version", mutate(func(b []byte) []byte { b[hdrOff(b)+8]++; return b }), "format version"},
		{"abi version", mutate(func(b []byte) []byte {
			hdr := b[hdrOff(b):]
			hdr[12]++
			h, _ := link.DecodeHeader(hdr)
			h = resum(b, h)
			copy(hdr, h.Encode())
			return b
		}), "ABI version"},
		{"text range", mutate(func(b []byte) []byte { b[hdrOff(b)+32+5] = 1; return b }), "outside"},
		{"flipped text", mutate(func(b []byte) []byte { b[0x5012] ^= 0x40; return b }), "checksum mismatch"},
		{"flipped meta", mutate(func(b []byte) []byte { b[metaOff(b)+8] ^= 1; return b }), "checksum mismatch"},
		{"flipped data", mutate(func(b []byte) []byte { b[0x2010] ^= 1; return b }), "checksum mismatch"},
		{"truncated", good[:len(good)/2], "truncated"},
	}
	if ls != nil {
		tests = append(tests, struct {
			name string
			in   []byte
			want string
		}{"/bin/ls", ls, "not a lucet module"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Bytes(tt.in)
			if err == nil {
				m.Close()
				t.Fatalf("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "load: ") {
				t.Errorf("error %q, want one line starting with \"load: \" and containing %q", msg, tt.want)
			}
		})
	}
}

// hdrOff is the file offset of the module header.
func hdrOff(b []byte) int { return bytes.Index(b, []byte(link.HeaderMagic)) }

// metaOff is the file offset of .lucet.meta.
func metaOff(b []byte) int {
	h, _ := link.DecodeHeader(b[hdrOff(b):])
	return int(h.MetaOff)
}

// resum returns h with both sums recomputed over the file b.
func resum(b []byte, h link.Header) link.Header {
	text, meta, data := b[h.TextOff:h.TextOff+h.TextSize], b[h.MetaOff:h.MetaOff+h.MetaSize], b[h.DataOff:h.DataOff+h.DataSize]
	h.Checksum = link.Checksum(&h, text, meta, data)
	h.CRC = link.CRC(&h, text, meta, data)
	return h
}

// TestEveryCorruption truncates the file at every length, which must be
// refused, and flips every byte: each result is refused or, when the byte is one the loader does not
// read (section headers, symbol tables, padding), loads to exactly the
// original module.
func TestEveryCorruption(t *testing.T) {
	good := smallELF(t)
	for _, full := range []bool{false, true} {
		ref, err := parse(good, full)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(good); n++ {
			if _, err := parse(good[:n], full); err == nil {
				t.Fatalf("truncated to %d bytes: accepted", n)
			}
		}
		refused := 0
		b := append([]byte(nil), good...)
		for i := range b {
			b[i] ^= 0x5a
			p, err := parse(b, full)
			b[i] ^= 0x5a
			if err != nil {
				refused++
				continue
			}
			if !full {
				// Loading does not verify the SHA-256 identity, so
				// a flip there loads, with the flip in the header.
				p.Header.Checksum = ref.Header.Checksum
			}
			// The signature fields are read only when a signature is
			// required (see TestSignature).
			p.Header.Signer, p.Header.Signature = ref.Header.Signer, ref.Header.Signature
			if !samePars(p, ref) {
				t.Fatalf("byte %#x flipped (full check %v): accepted with different content", i, full)
			}
		}
		if refused == 0 {
			t.Errorf("no flipped byte was refused (full check %v)", full)
		}
	}
	// Inspect verifies the SHA-256 too.
	b := append([]byte(nil), good...)
	b[hdrOff(b)+136] ^= 1
	if _, err := Bytes(b); err != nil {
		t.Errorf("Bytes with a flipped SHA-256 byte: %v, want it loaded (the CRC holds)", err)
	}
	if _, err := Inspect(b); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("Inspect with a flipped SHA-256 byte: %v, want a checksum mismatch", err)
	}
}

func samePars(a, b *Image) bool {
	return bytes.Equal(a.Text, b.Text) && reflect.DeepEqual(a.Meta, b.Meta) && reflect.DeepEqual(a.Data, b.Data) && a.Header == b.Header
}

func TestFeatures(t *testing.T) {
	// A tuning feature (ERMS) is never required: code with it runs on
	// any CPU.
	o := objtest.Small()
	o.Meta.Features = object.TuningFeatures
	if _, err := FromObject(o); err != nil {
		t.Errorf("FromObject with tuning features %s: %v", object.FeatureString(object.TuningFeatures), err)
	}
	missing := object.AllFeatures &^ object.TuningFeatures &^ HostFeatures()
	if missing == 0 {
		t.Skip("this CPU has every feature the format knows, so no module can need a missing one")
	}
	o.Meta.Features = missing
	_, err := FromObject(o)
	if !errors.Is(err, ErrCPUFeatures) {
		t.Errorf("FromObject with features %s: %v, want ErrCPUFeatures", object.FeatureString(missing), err)
	}
	b, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Bytes(b); !errors.Is(err, ErrCPUFeatures) || !strings.Contains(err.Error(), object.FeatureNames(missing)[0]) {
		t.Errorf("Bytes: %v, want ErrCPUFeatures naming the features", err)
	}
}

func FuzzLoadBytes(f *testing.F) {
	f.Add(smallELF(f))
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parse(b, false)
		if err != nil {
			return
		}
		if p.Meta.Check(len(p.Text)) != nil {
			t.Fatalf("accepted metadata that fails Check")
		}
	})
}

// BenchmarkLoad measures a module load from bytes: parse, checksum, meta
// decode, map and unmap.
func BenchmarkLoad(b *testing.B) {
	so := smallELF(b)
	b.SetBytes(int64(len(so)))
	for b.Loop() {
		m, err := Bytes(so)
		if err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
}

// mappingOf returns the permissions and backing path of the mapping that
// holds addr, from /proc/self/maps.
func mappingOf(t *testing.T, addr uintptr) (perms, path string) {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps to inspect mappings: %v", err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x %s", &lo, &hi, &perms); n < 3 || addr < lo || addr >= hi {
			continue
		}
		if f := strings.Fields(line); len(f) >= 6 {
			path = f[5]
		}
		return perms, path
	}
	t.Fatalf("address %#x not found in /proc/self/maps", addr)
	return "", ""
}

// File maps the code pages of the file itself read+execute when link laid
// them out for it, and copies them otherwise; either way the code is
// read+execute only, ends in int3 padding, and the module keeps working
// after the file is removed.
func TestFileCodeMapping(t *testing.T) {
	good := smallELF(t)
	h, err := Inspect(good)
	if err != nil {
		t.Fatal(err)
	}
	textEnd := h.Header.TextOff + h.Header.TextSize
	unpadded := append([]byte(nil), good...)
	unpadded[textEnd] = 0 // padding is outside the checksum, so this still loads
	for _, tt := range []struct {
		name    string
		b       []byte
		inPlace bool
	}{
		{"padded", good, true},
		{"unpadded", unpadded, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.so")
			if err := os.WriteFile(path, tt.b, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := File(path)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			os.Remove(path)
			if !bytes.Equal(m.Code, objtest.Small().Text) {
				t.Fatal("code differs")
			}
			perms, backing := mappingOf(t, m.CodeAddr(0))
			if perms[:3] != "r-x" {
				t.Errorf("code mapped %s, want r-x", perms)
			}
			if got := strings.HasPrefix(backing, path); got != tt.inPlace {
				t.Errorf("code mapping backed by %q; want in place in %s: %v", backing, path, tt.inPlace)
			}
			page := unsafe.Slice(unsafe.SliceData(m.Code), cap(m.Code)+1)
			if tail := page[len(m.Code)]; tail != 0xcc {
				t.Errorf("byte after the code is %#x, want int3", tail)
			}
			if m.Data == nil || len(m.Data.Pages) != 3 {
				t.Errorf("data image %+v", m.Data)
			}
			if err := m.Close(); err != nil || m.Data != nil {
				t.Errorf("Close: %v (data %v)", err, m.Data)
			}
		})
	}
}

// File reads what it cannot map (a pipe) and gives the same module.
func TestFileNotRegular(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.Write(smallELF(t)); w.Close() }()
	defer r.Close()
	m, err := File(fmt.Sprintf("/proc/self/fd/%d", r.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !bytes.Equal(m.Code, objtest.Small().Text) {
		t.Error("code differs")
	}
}

// imageBytes reads n bytes at off out of a data image (pages not listed
// are zero).
func imageBytes(img *link.DataImage, off uint64, n int) []byte {
	out := make([]byte, n)
	for _, p := range img.Pages {
		for i := range out {
			if a := off + uint64(i); a >= p.MemOffset && a < p.MemOffset+uint64(len(p.Bytes)) {
				out[i] = p.Bytes[a-p.MemOffset]
			}
		}
	}
	return out
}

// An object of the ABI before this one (or after it) is refused with both
// versions and the lucetc that compiled it named: code compiled for
// another runtime contract (version 3 loops have no interrupt check, so a
// version 2 runtime could not stop them) must never run.
func TestRefusesOtherABI(t *testing.T) {
	good := smallELF(t)
	for _, v := range []uint32{abi.Version - 1, abi.Version + 1} {
		b := append([]byte(nil), good...)
		hdr := b[hdrOff(b):]
		h, err := link.DecodeHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		h.ABIVersion = v
		h = resum(b, h)
		copy(hdr, h.Encode())
		_, err = Bytes(b)
		if err == nil {
			t.Fatalf("ABI version %d accepted", v)
		}
		for _, want := range []string{
			fmt.Sprintf("ABI version %d (compiled by lucetc ", v),
			fmt.Sprintf("reads %d: recompile", abi.Version),
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ABI version %d: error %q does not contain %q", v, err, want)
			}
		}
	}
}

// FileOrContents maps an object as File does and hands back anything that
// is not an ELF file at all, read whole, for the caller to compile.
func TestFileOrContents(t *testing.T) {
	dir := t.TempDir()
	obj := smallELF(t)
	wasmBytes := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{0}, 100)...)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		path     string
		opts     []Option
		feed     []byte // written into the path (a FIFO) while it is read
		module   bool
		contents []byte
		err      string
		errIs    error
	}{
		{name: "object", path: write("small.so", obj), module: true},
		{name: "wasm", path: write("x.wasm", wasmBytes), contents: wasmBytes},
		{name: "tiny text", path: write("t.wat", []byte("(module)")), contents: []byte("(module)")},
		{name: "empty", path: write("empty", nil), contents: []byte{}},
		{name: "object through a FIFO", path: fifo, feed: obj, module: true},
		{name: "wasm through a FIFO", path: fifo, feed: wasmBytes, contents: wasmBytes},
		// A name ending in .wasm makes it read rather than mapped; the
		// content still decides.
		{name: "object named .wasm", path: write("obj.wasm", obj), module: true},
		{name: "truncated object named .wasm", path: write("cut.wasm", obj[:200]), err: "load: " + filepath.Join(dir, "cut.wasm") + ": "},
		{name: "truncated object", path: write("cut.so", obj[:200]), err: "load: " + filepath.Join(dir, "cut.so") + ": "},
		{name: "unsigned with keys", path: write("small2.so", obj), opts: []Option{RequireSignature()}, errIs: ErrUnsigned},
		{name: "directory", path: dir, err: dir + ": is a directory, not a module"},
		{name: "missing", path: filepath.Join(dir, "nope"), errIs: os.ErrNotExist},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.feed != nil {
				go func() {
					f, err := os.OpenFile(c.path, os.O_WRONLY, 0)
					if err != nil {
						return // the reader fails the test
					}
					f.Write(c.feed)
					f.Close()
				}()
			}
			m, b, err := FileOrContents(c.path, c.opts...)
			if m != nil {
				defer m.Close()
			}
			switch {
			case c.err != "" || c.errIs != nil:
				if err == nil || !strings.Contains(err.Error(), c.err) || (c.errIs != nil && !errors.Is(err, c.errIs)) {
					t.Fatalf("error %v, want one containing %q (is %v)", err, c.err, c.errIs)
				}
				if m != nil || b != nil {
					t.Errorf("a module (%v) or contents (%d bytes) with the error", m != nil, len(b))
				}
			case err != nil:
				t.Fatal(err)
			case c.module:
				if m == nil || b != nil || len(m.Code) == 0 {
					t.Fatalf("module %v, code %d bytes, contents %d bytes; want the module alone", m != nil, len(m.Code), len(b))
				}
				if c.feed == nil && m.Path != c.path {
					t.Errorf("Path %q, want %q", m.Path, c.path)
				}
			default:
				if m != nil || !bytes.Equal(b, c.contents) || b == nil {
					t.Errorf("module %v, contents %q; want the contents %q", m != nil, b, c.contents)
				}
			}
		})
	}
}

// checkFeatures asks the CPU about LZCNT only for a module that needs it
// (cpuid.X86Base otherwise, which the runtime's own detection answers):
// after a module that does not need it has loaded, one that does is still
// refused where LZCNT is missing, which GODEBUG=cpu.lzcnt=off makes so in
// a child process.
func TestFeaturesLZCNTAskedWhenNeeded(t *testing.T) {
	if os.Getenv("LUCET_TEST_LZCNT_CHILD") == "1" {
		if _, err := FromObject(objtest.Small()); err != nil {
			fmt.Println("module without LZCNT:", err)
			os.Exit(1)
		}
		o := objtest.Small()
		o.Meta.Features |= object.FeatureLZCNT
		if _, err := FromObject(o); !errors.Is(err, ErrCPUFeatures) || !strings.Contains(err.Error(), "lzcnt") {
			fmt.Println("module with LZCNT:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("x86-64 features")
	}
	if cpuid.X86().LZCNT {
		o := objtest.Small()
		o.Meta.Features |= object.FeatureLZCNT
		if _, err := FromObject(o); err != nil {
			t.Errorf("module with LZCNT on a CPU that has it: %v", err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFeaturesLZCNTAskedWhenNeeded$")
	cmd.Env = append(os.Environ(), "LUCET_TEST_LZCNT_CHILD=1", "GODEBUG=cpu.lzcnt=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("child: %v\n%s", err, out)
	}
}

// BenchmarkLoadFiles loads each object named in LUCET_LOAD_BENCH (a
// space-separated list, e.g. hello.so and gobig.so compiled by this
// tree's lucetc) as lucet-run does: File, then Close. The objects are
// not checked in (gobig.so is 9 MB), hence the variable; without it
// there is nothing to measure.
func BenchmarkLoadFiles(b *testing.B) {
	paths := strings.Fields(os.Getenv("LUCET_LOAD_BENCH"))
	if len(paths) == 0 {
		b.Skip("LUCET_LOAD_BENCH names no objects to load")
	}
	for _, p := range paths {
		b.Run(filepath.Base(p), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := File(p)
				if err != nil {
					b.Fatal(err)
				}
				m.Close()
			}
		})
	}
}
