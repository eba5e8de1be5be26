package link_test

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// objects are the shapes the writer must handle: a typical module, one
// without any code or data, and one whose data cannot be pre-laid out.
func objects() map[string]*object.Object {
	empty := &object.Object{Meta: object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}}
	dyn := objtest.Small()
	dyn.Meta.Datas[1].Offset = object.Const{Op: wasm.OpGlobalGet, Index: 0}
	clash := objtest.Small()
	// An internal name equal to an export name, a name with a NUL and
	// an extra export of the same function.
	clash.Meta.Funcs[2].Name = "add"
	clash.Meta.Funcs[1].Name = "a\x00b"
	clash.Meta.Labels[0].Name = "lucet_entry_0"
	clash.Meta.Exports = append(clash.Meta.Exports, wasm.Export{Name: "plus", Kind: wasm.ExternFunc, Index: 1}, wasm.Export{Name: "lucet_module", Kind: wasm.ExternFunc, Index: 2})
	return map[string]*object.Object{"small": objtest.Small(), "empty": empty, "global data offset": dyn, "name clashes": clash}
}

func TestELFStructure(t *testing.T) {
	for name, o := range objects() {
		t.Run(name, func(t *testing.T) {
			_, f := linkELF(t, o)
			if f.Type != elf.ET_DYN || f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
				t.Errorf("type %v machine %v class %v", f.Type, f.Machine, f.Class)
			}
			text := f.Section(".text")
			if text == nil {
				t.Fatal("no .text")
			}
			got, _ := text.Data()
			if !bytes.Equal(got, o.Text) {
				t.Errorf(".text differs from Object.Text")
			}
			// Segments: page-aligned loads, never W and X together, a
			// non-executable stack.
			var stack bool
			for _, p := range f.Progs {
				if p.Type == elf.PT_LOAD && (p.Off%4096 != 0 || p.Vaddr != p.Off || p.Align != 4096) {
					t.Errorf("PT_LOAD at %#x not page aligned", p.Off)
				}
				if p.Flags&elf.PF_W != 0 && p.Flags&elf.PF_X != 0 {
					t.Errorf("segment %v is writable and executable", p.Type)
				}
				if p.Type == elf.PT_GNU_STACK {
					stack = p.Flags&elf.PF_X == 0
				}
			}
			if !stack {
				t.Errorf("no non-executable PT_GNU_STACK")
			}
			syms, err := f.Symbols()
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, s := range syms {
				if seen[s.Name] {
					t.Errorf("duplicate symbol %q", s.Name)
				}
				seen[s.Name] = true
				if strings.ContainsRune(s.Name, 0) || s.Name == "" {
					t.Errorf("bad symbol name %q", s.Name)
				}
			}
			dsyms, err := f.DynamicSymbols()
			if err != nil {
				t.Fatal(err)
			}
			if len(dsyms) == 0 || dsyms[0].Name != "lucet_module" {
				t.Errorf("first dynamic symbol is not lucet_module: %v", dsyms)
			}
		})
	}
}

func TestSymbolNames(t *testing.T) {
	o := objects()["name clashes"]
	syms := link.TextSymbols(&o.Meta, len(o.Text))
	var got []string
	for _, s := range syms {
		got = append(got, s.Name+strings.Join(append([]string{""}, s.Aliases...), "+"))
	}
	want := []string{"lucet_entry_0", "lucet_hostcall_0", "add+plus", "trap+lucet_module_2", "add_3", "lucet_entry_0_0"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("symbols %q, want %q", got, want)
	}
	if syms[0].Size != 8 || syms[1].Size != 8 {
		t.Errorf("stub sizes %d, %d; want 8, 8", syms[0].Size, syms[1].Size)
	}
}

func TestELFRefusesBadObjects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(o *object.Object)
		want   string
	}{
		{"format version", func(o *object.Object) { o.Meta.FormatVersion = 99 }, "format version"},
		{"abi version", func(o *object.Object) { o.Meta.ABIVersion = 99 }, "ABI version"},
		{"function outside text", func(o *object.Object) { o.Text = o.Text[:0x20] }, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			tt.mutate(o)
			if _, err := link.ELF(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ELF = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDataImage(t *testing.T) {
	tests := []struct {
		name     string
		obj      *object.Object
		complete bool
		pages    []uint64
	}{
		{"small", objtest.Small(), true, []uint64{0, 4096, 8192}},
		{"global offset", objects()["global data offset"], false, nil},
		{"no data", objects()["empty"], true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f := linkELF(t, tt.obj)
			sec := f.Section(".lucet.data")
			if sec.Offset%4096 != 0 {
				t.Errorf(".lucet.data at %#x, not page aligned", sec.Offset)
			}
			raw, _ := sec.Data()
			img, err := link.DecodeDataImage(raw)
			if err != nil {
				t.Fatal(err)
			}
			if img.Complete != tt.complete {
				t.Errorf("complete = %v, want %v", img.Complete, tt.complete)
			}
			var got []uint64
			for _, p := range img.Pages {
				got = append(got, p.MemOffset)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.pages) {
				t.Errorf("pages at %v, want %v", got, tt.pages)
			}
			if tt.name == "small" {
				mem := make([]byte, 3*4096)
				for _, p := range img.Pages {
					copy(mem[p.MemOffset:], p.Bytes)
				}
				if string(mem[16:29]) != "hello, world\n" || !bytes.Equal(mem[8190:8194], []byte{1, 2, 3, 4}) {
					t.Errorf("image does not hold the data segments")
				}
			}
		})
	}
}

// TestBinutils runs readelf, objdump and nm on the output and requires
// that none of them prints a warning or fails. The stricter checkers
// eu-elflint (elfutils) and llvm-readelf run too when installed.
func TestBinutils(t *testing.T) {
	tools := [][]string{
		{"readelf", "-a", "-W"},
		{"objdump", "-d", "-x"},
		{"nm"},
		{"nm", "-D"},
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool[0]); err != nil {
			t.Skipf("%s not installed (binutils); the ELF writer is then checked only by debug/elf", tool[0])
		}
	}
	for _, extra := range [][]string{{"eu-elflint", "--strict"}, {"llvm-readelf", "--all"}} {
		if _, err := exec.LookPath(extra[0]); err != nil {
			t.Logf("%s not installed: not run", extra[0])
			continue
		}
		tools = append(tools, extra)
	}
	dir := t.TempDir()
	for name, o := range objects() {
		if name == "global data offset" {
			continue // differs from small only inside .lucet.data
		}
		b, err := link.ELF(o)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".so")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tool := range tools {
			cmd := exec.Command(tool[0], append(tool[1:], path)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			out := stdout.String()
			if tool[0] == "eu-elflint" {
				// It reports problems on stdout and says so when there
				// are none.
				if strings.TrimSpace(out) != "No errors" {
					t.Errorf("%s: eu-elflint: %s", name, out)
				}
				out = ""
			}
			if err != nil || stderr.Len() > 0 || strings.Contains(strings.ToLower(out), "warning") {
				t.Errorf("%s: %s: %v\n%s", name, strings.Join(tool, " "), err, stderr.String())
			}
			if tool[0] == "nm" && o.Meta.Funcs != nil && !strings.Contains(out, " T add\n") {
				t.Errorf("%s: %s does not list add as a global text symbol:\n%s", name, strings.Join(tool, " "), out)
			}
		}
	}
}

// TestDlopen loads the object with the system's dynamic linker (through
// Python's ctypes, since this module has no cgo) and calls the hand-made
// add, whose code happens to follow the C calling convention. It shows
// the file needs nothing resolved or relocated.
func TestDlopen(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: no cgo-free way to call dlopen")
	}
	b, err := link.ELF(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "small.so")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import ctypes, sys
l = ctypes.CDLL(sys.argv[1])
add = l.add
add.restype = ctypes.c_int
print(add(40, 2), ctypes.c_char.from_address(ctypes.addressof(ctypes.c_char.in_dll(l, "lucet_module"))).value.decode())`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("dlopen: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "42 L" {
		t.Errorf("add(40, 2) and the first byte of lucet_module: %q, want \"42 L\"", got)
	}
}

// TestDataImageContents checks the image against the segments applied one
// by one, for layouts the in-place builder must sort out: segments out of
// address order, overlapping (the later one wins), spanning pages, empty,
// and passive ones in between.
func TestDataImageContents(t *testing.T) {
	seg := func(off uint32, b []byte) object.Data {
		return object.Data{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: uint64(off)}, Init: b}
	}
	fill := func(n int, v byte) []byte { return bytes.Repeat([]byte{v}, n) }
	tests := []struct {
		name  string
		datas []object.Data
	}{
		{"ascending", []object.Data{seg(0, fill(10, 1)), seg(4090, fill(10, 2)), seg(3*4096, fill(4096, 3))}},
		{"descending", []object.Data{seg(5*4096+7, fill(9000, 4)), seg(4096, fill(1, 5)), seg(0, fill(3, 6))}},
		{"overlapping", []object.Data{seg(100, fill(8192, 7)), seg(4000, fill(200, 8)), seg(50, fill(100, 9))}},
		{"empty and passive", []object.Data{seg(8192, nil), {Mode: wasm.SegmentPassive, Init: fill(5, 1)}, seg(2*4096+1, fill(2, 10)), seg(65536, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			o.Meta.Mems[0].Limits.Min = 1
			o.Meta.Datas = tt.datas
			want := make([]byte, wasm.PageSize)
			for _, d := range tt.datas {
				if d.Mode == wasm.SegmentActive {
					copy(want[d.Offset.Value:], d.Init)
				}
			}
			img, _, _ := linked(t, o)
			if !img.Complete {
				t.Fatal("image not complete")
			}
			got := make([]byte, wasm.PageSize)
			for _, p := range img.Pages {
				copy(got[p.MemOffset:], p.Bytes)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("image differs from the segments applied in order")
			}
			if im := link.ImageOf(&o.Meta); im == nil || len(im.Pages) != len(img.Pages) {
				t.Errorf("ImageOf disagrees with the linked image")
			}
		})
	}
}

// TestImageWriteTo checks that the pieces written out are the joined file.
func TestImageWriteTo(t *testing.T) {
	for name, o := range objects() {
		t.Run(name, func(t *testing.T) {
			im, err := link.Link(o)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			n, err := im.WriteTo(&buf)
			if err != nil || n != int64(im.Len()) || buf.Len() != im.Len() {
				t.Fatalf("WriteTo = %d, %v; Len %d, wrote %d", n, err, im.Len(), buf.Len())
			}
			if !bytes.Equal(buf.Bytes(), im.Bytes()) {
				t.Errorf("WriteTo and Bytes differ")
			}
		})
	}
}

// TestSparseDataImageNotMade: an image much larger than the bytes of its
// segments is not made; the segments stay in the metadata, to be applied
// at instantiation. 100,000 one-byte segments 40 KiB apart (a 1 MB .wasm)
// made a 412 MB object. A dense enough image, however large, is made.
func TestSparseDataImageNotMade(t *testing.T) {
	segs := func(n int, stride uint32, size int) []object.Data {
		var ds []object.Data
		for i := 0; i < n; i++ {
			ds = append(ds, object.Data{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: uint64(uint32(i) * stride)}, Init: bytes.Repeat([]byte{byte(i)}, size)})
		}
		return ds
	}
	for _, tt := range []struct {
		name     string
		datas    []object.Data
		complete bool
	}{
		{"sparse, past 64 MiB", segs(20000, 8192, 1), false},
		{"sparse, under 64 MiB", segs(1000, 65536, 1), true},
		{"past 64 MiB, one in eight bytes used", segs(17000, 4096, 520), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			o.Meta.Mems[0].Limits = wasm.Limits{Min: 4000}
			o.Meta.Datas = tt.datas
			img, b, f := linked(t, o)
			if img.Complete != tt.complete || (link.ImageOf(&o.Meta) != nil) != tt.complete {
				t.Fatalf("complete %v (ImageOf %v), want %v", img.Complete, link.ImageOf(&o.Meta) != nil, tt.complete)
			}
			if !tt.complete {
				if len(img.Pages) != 0 || len(b) > 1<<20 {
					t.Errorf("%d image pages, a %d-byte object", len(img.Pages), len(b))
				}
				var m object.Meta
				mb, _ := f.Section(".lucet.meta").Data()
				if err := m.UnmarshalBinary(mb); err != nil {
					t.Fatal(err)
				}
				if m.InImage() || len(m.Datas) != len(tt.datas) || !bytes.Equal(m.Datas[7].Init, tt.datas[7].Init) {
					t.Errorf("the segments' bytes are not kept in the metadata")
				}
			}
		})
	}
}

// linkELF links o and parses the ELF file it makes.
func linkELF(t *testing.T, o *object.Object) ([]byte, *elf.File) {
	t.Helper()
	b, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return b, f
}

// linked links o and decodes the data image its ELF carries.
func linked(t *testing.T, o *object.Object) (*link.DataImage, []byte, *elf.File) {
	t.Helper()
	b, f := linkELF(t, o)
	raw, _ := f.Section(".lucet.data").Data()
	img, err := link.DecodeDataImage(raw)
	if err != nil {
		t.Fatal(err)
	}
	return img, b, f
}
