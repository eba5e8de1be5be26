// Package link is the last stage of lucetc: it writes a compiled module as
// an ELF64 x86-64 shared object, without a system linker.
//
// In: an object.Object from codegen. Out: the bytes of a position-independent
// ET_DYN file that binutils can inspect and that pkg/load reads back. Nothing
// in it needs relocating or resolving: generated code reaches everything
// through R15 and rel32 jumps within .text.
//
// # Layout
//
// Virtual addresses equal file offsets. Three PT_LOAD segments, each
// starting on a page boundary so the runtime can later map them straight
// from the file:
//
//	R    ELF header, program headers, .lucet.header (module header), .hash,
//	     .dynsym, .dynstr, .lucet.meta (object.Meta.MarshalBinary),
//	     .lucet.data (sparse page image of memory 0, page-aligned)
//	R+X  .text
//	RW   .dynamic (DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT,
//	     DT_NULL); writable because glibc's ld.so relocates it in place
//
// plus PT_DYNAMIC and a non-executable PT_GNU_STACK. After the segments
// come the non-allocated .symtab, .strtab, .shstrtab and the section
// headers. The module header is a plain section rather than an ELF note
// because strict checkers (eu-elflint) reject notes of unknown owners; the
// loader finds it through the section headers.
//
// Symbols: lucet_module (global object: the module header), one STT_FUNC
// per defined function (global and in .dynsym when exported, local
// otherwise), local STT_FUNC lucet_entry_<type> and lucet_hostcall_<i>
// for stubs, and local objects lucet_meta and lucet_data.
package link

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	elf "github.com/lucet-go/lucet/internal/elf64"
	"github.com/lucet-go/lucet/internal/version"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
)

const pageSize = 4096

// Section indices, in file order.
const (
	secNull = iota
	secHeader
	secHash
	secDynsym
	secDynstr
	secMeta
	secData
	secText
	secDynamic
	secSymtab
	secStrtab
	secShstrtab
	numSections
)

var sectionNames = [numSections]string{
	"", HeaderSection, ".hash", ".dynsym", ".dynstr", ".lucet.meta", ".lucet.data",
	".text", ".dynamic", ".symtab", ".strtab", ".shstrtab",
}

const numPhdrs = 5

// Write writes o as an ELF shared object to w.
func Write(w io.Writer, o *object.Object) error {
	im, err := Link(o)
	if err != nil {
		return err
	}
	_, err = im.WriteTo(w)
	return err
}

// ELF returns o as an ELF shared object: Link's image joined into one
// slice.
func ELF(o *object.Object) ([]byte, error) {
	im, err := Link(o)
	if err != nil {
		return nil, err
	}
	return im.Bytes(), nil
}

// Image is a linked module as the pieces of its file, in file order. A
// writer takes the pieces as they are: joining them first would allocate
// and fault in a second copy of the whole file (ten megabytes for a Go
// program's module) only to copy it once more into the kernel.
type Image struct {
	pieces [][]byte
	size   int
}

// Len is the size of the file in bytes.
func (im *Image) Len() int { return im.size }

// WriteTo writes the file to w.
func (im *Image) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, p := range im.pieces {
		k, err := w.Write(p)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Bytes returns the file as one new slice.
func (im *Image) Bytes() []byte {
	b := make([]byte, 0, im.size)
	for _, p := range im.pieces {
		b = append(b, p...)
	}
	return b
}

func (im *Image) add(p []byte) {
	if len(p) > 0 {
		im.pieces = append(im.pieces, p)
		im.size += len(p)
	}
}

// reserve adds a piece of n zero bytes to be filled in later.
func (im *Image) reserve(n int) []byte {
	p := make([]byte, n)
	im.add(p)
	return p
}

// zeroPage is the padding between sections, shared by every image: only
// the pieces Link reserves for the headers are written after being added,
// and those are slices of their own.
var zeroPage [pageSize]byte

// pad pads the file to a multiple of align (at most a page) with the
// bytes of fill, a page of one repeated byte.
func (im *Image) pad(align uint64, fill []byte) {
	n := alignUp(uint64(im.size), align) - uint64(im.size)
	im.add(fill[:n])
}

// Link lays out o as an ELF shared object. It refuses objects whose
// metadata is inconsistent with the code (object.Meta.Check) or of another
// format or ABI version. Function names in the stored metadata are the
// symbol names (see TextSymbols); o itself is not modified, and the image
// shares o.Text.
func Link(o *object.Object) (*Image, error) {
	m := o.Meta
	if m.FormatVersion != object.FormatVersion {
		return nil, fmt.Errorf("link: object has format version %d, this build writes %d", m.FormatVersion, object.FormatVersion)
	}
	if m.ABIVersion != abi.Version {
		return nil, fmt.Errorf("link: object has ABI version %d, this build writes %d", m.ABIVersion, abi.Version)
	}
	if err := m.Check(len(o.Text)); err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	if m.InImage() {
		// The bytes are in an image this object does not carry.
		return nil, fmt.Errorf("link: object's data segments are stored in a memory image (a loaded module's metadata?), not in the object")
	}
	syms := TextSymbols(&m, len(o.Text))
	m.Funcs = append([]object.Func(nil), m.Funcs...)
	nImp := m.NumImportedFuncs()
	for _, s := range syms {
		if s.Kind == SymFunc {
			m.Funcs[s.Index-nImp].Name = s.Name
		}
	}
	data, complete := buildDataImage(&m)
	marshal := m.MarshalBinary
	if complete {
		marshal = m.MarshalInImage
	}
	meta, err := marshal()
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}

	var (
		f   Image
		shs [numSections]elf.Section64
	)
	f.pieces = make([][]byte, 0, 2*numSections+2)
	place := func(sec int, align uint64, content []byte) {
		f.pad(align, zeroPage[:])
		shs[sec].Off = uint64(f.size)
		shs[sec].Addr = shs[sec].Off
		shs[sec].Size = uint64(len(content))
		shs[sec].Addralign = align
		f.add(content)
	}

	// Header and program headers are filled in last.
	ehdr := f.reserve(64 + numPhdrs*56)

	// The module header is filled in once the section offsets and the
	// checksum are known.
	le := binary.LittleEndian
	mhdr := make([]byte, HeaderSize)
	place(secHeader, 8, mhdr)
	hdrAddr := shs[secHeader].Off

	// Dynamic symbols: lucet_module, then every exported function name.
	dynstr := newStrtab()
	symstr := newStrtab()
	var dynsyms, locals, globals []elf.Sym64
	sym := func(st *strtab, name string, bind elf.SymBind, typ elf.SymType, sec uint16, val, size uint64) elf.Sym64 {
		return elf.Sym64{Name: st.add(name), Info: elf.ST_INFO(bind, typ), Shndx: sec, Value: val, Size: size}
	}
	dynsyms = append(dynsyms, elf.Sym64{})
	dynNames := []string{""}
	addGlobal := func(name string, typ elf.SymType, sec uint16, val, size uint64) {
		dynsyms = append(dynsyms, sym(dynstr, name, elf.STB_GLOBAL, typ, sec, val, size))
		dynNames = append(dynNames, name)
		globals = append(globals, sym(symstr, name, elf.STB_GLOBAL, typ, sec, val, size))
	}
	addGlobal("lucet_module", elf.STT_OBJECT, secHeader, hdrAddr, HeaderSize)
	// Text symbol values are final only once .text is placed; record
	// which entries to fix up.
	type fix struct {
		list *[]elf.Sym64
		i    int
		off  uint32
	}
	var fixes []fix
	for _, s := range syms {
		names := append([]string{s.Name}, s.Aliases...)
		for _, n := range names {
			if s.Exported {
				addGlobal(n, elf.STT_FUNC, secText, 0, uint64(s.Size))
				fixes = append(fixes, fix{&dynsyms, len(dynsyms) - 1, s.Offset}, fix{&globals, len(globals) - 1, s.Offset})
			} else {
				locals = append(locals, sym(symstr, n, elf.STB_LOCAL, elf.STT_FUNC, secText, 0, uint64(s.Size)))
				fixes = append(fixes, fix{&locals, len(locals) - 1, s.Offset})
			}
		}
	}

	place(secHash, 8, sysvHash(dynNames))
	shs[secDynsym].Info = 1 // every dynamic symbol but the null one is global
	dynsymb := make([]byte, 24*len(dynsyms))
	place(secDynsym, 8, dynsymb)
	place(secDynstr, 1, dynstr.b)
	place(secMeta, 8, meta)
	place(secData, pageSize, data)
	roEnd := uint64(f.size)
	place(secText, pageSize, o.Text)
	textEnd := uint64(f.size)
	// The rest of the last code page is int3, so a loader that maps the
	// code straight from the file (pkg/load does) traps on a run off its
	// end, as it does with a copied image.
	if n := alignUp(textEnd, pageSize) - textEnd; n > 0 {
		f.pad(pageSize, bytes.Repeat([]byte{0xcc}, int(n)))
	}
	for _, x := range fixes {
		(*x.list)[x.i].Value = shs[secText].Off + uint64(x.off)
	}
	locals = append(locals,
		sym(symstr, "lucet_meta", elf.STB_LOCAL, elf.STT_OBJECT, secMeta, shs[secMeta].Off, shs[secMeta].Size),
		sym(symstr, "lucet_data", elf.STB_LOCAL, elf.STT_OBJECT, secData, shs[secData].Off, shs[secData].Size))

	dyn := []elf.Dyn64{
		{Tag: int64(elf.DT_HASH), Val: shs[secHash].Off},
		{Tag: int64(elf.DT_STRTAB), Val: shs[secDynstr].Off},
		{Tag: int64(elf.DT_SYMTAB), Val: shs[secDynsym].Off},
		{Tag: int64(elf.DT_STRSZ), Val: uint64(len(dynstr.b))},
		{Tag: int64(elf.DT_SYMENT), Val: 24},
		{Tag: int64(elf.DT_NULL)},
	}
	var dynb bytes.Buffer
	binary.Write(&dynb, le, dyn)
	place(secDynamic, pageSize, dynb.Bytes())
	dynEnd := uint64(f.size)

	var symb bytes.Buffer
	symb.Grow(24 * (1 + len(locals) + len(globals)))
	binary.Write(&symb, le, elf.Sym64{})
	binary.Write(&symb, le, locals)
	binary.Write(&symb, le, globals)
	shs[secSymtab].Info = uint32(1 + len(locals))
	place(secSymtab, 8, symb.Bytes())
	place(secStrtab, 1, symstr.b)
	shstr := newStrtab()
	for i := range shs {
		shs[i].Name = shstr.add(sectionNames[i])
	}
	place(secShstrtab, 1, shstr.b)
	f.pad(8, zeroPage[:])
	shoff := uint64(f.size)

	// Section header details beyond offset, size and alignment.
	set := func(sec int, typ elf.SectionType, flags elf.SectionFlag, link uint32, entsize uint64) {
		shs[sec].Type = uint32(typ)
		shs[sec].Flags = uint64(flags)
		shs[sec].Link = link
		shs[sec].Entsize = entsize
	}
	shs[secNull] = elf.Section64{Name: shs[secNull].Name}
	set(secHeader, elf.SHT_PROGBITS, elf.SHF_ALLOC, 0, 0)
	set(secHash, elf.SHT_HASH, elf.SHF_ALLOC, secDynsym, 4)
	set(secDynsym, elf.SHT_DYNSYM, elf.SHF_ALLOC, secDynstr, 24)
	set(secDynstr, elf.SHT_STRTAB, elf.SHF_ALLOC, 0, 0)
	set(secMeta, elf.SHT_PROGBITS, elf.SHF_ALLOC, 0, 0)
	set(secData, elf.SHT_PROGBITS, elf.SHF_ALLOC, 0, 0)
	set(secText, elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, 0, 0)
	set(secDynamic, elf.SHT_DYNAMIC, elf.SHF_ALLOC|elf.SHF_WRITE, secDynstr, 16)
	set(secSymtab, elf.SHT_SYMTAB, 0, secStrtab, 24)
	set(secStrtab, elf.SHT_STRTAB, 0, 0, 0)
	set(secShstrtab, elf.SHT_STRTAB, 0, 0, 0)
	for _, sec := range []int{secSymtab, secStrtab, secShstrtab} {
		shs[sec].Addr = 0
	}
	var shb bytes.Buffer
	binary.Write(&shb, le, shs)
	f.add(shb.Bytes())

	var dsb bytes.Buffer
	binary.Write(&dsb, le, dynsyms)
	copy(dynsymb, dsb.Bytes())

	// Module header and checksum.
	h := Header{
		FormatVersion: m.FormatVersion,
		ABIVersion:    m.ABIVersion,
		Features:      m.Features,
		TextOff:       shs[secText].Off,
		TextSize:      shs[secText].Size,
		MetaOff:       shs[secMeta].Off,
		MetaSize:      shs[secMeta].Size,
		DataOff:       shs[secData].Off,
		DataSize:      shs[secData].Size,
		Compiler:      version.Get().String(),
	}
	h.Checksum = Checksum(&h, o.Text, meta, data)
	h.CRC = CRC(&h, o.Text, meta, data)
	copy(mhdr, h.Encode())

	// ELF header and program headers.
	load := func(flags elf.ProgFlag, off, end uint64) elf.Prog64 {
		return elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(flags), Off: off, Vaddr: off, Paddr: off, Filesz: end - off, Memsz: end - off, Align: pageSize}
	}
	phs := [numPhdrs]elf.Prog64{
		load(elf.PF_R, 0, roEnd),
		load(elf.PF_R|elf.PF_X, shs[secText].Off, textEnd),
		load(elf.PF_R|elf.PF_W, shs[secDynamic].Off, dynEnd),
		{Type: uint32(elf.PT_DYNAMIC), Flags: uint32(elf.PF_R | elf.PF_W), Off: shs[secDynamic].Off, Vaddr: shs[secDynamic].Off, Paddr: shs[secDynamic].Off, Filesz: shs[secDynamic].Size, Memsz: shs[secDynamic].Size, Align: 8},
		{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W), Align: 16},
	}
	eh := elf.Header64{
		Type:      uint16(elf.ET_DYN),
		Machine:   uint16(elf.EM_X86_64),
		Version:   uint32(elf.EV_CURRENT),
		Phoff:     64,
		Shoff:     shoff,
		Ehsize:    64,
		Phentsize: 56,
		Phnum:     numPhdrs,
		Shentsize: 64,
		Shnum:     numSections,
		Shstrndx:  secShstrtab,
	}
	copy(eh.Ident[:], elf.ELFMAG)
	eh.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	eh.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	eh.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	eh.Ident[elf.EI_OSABI] = byte(elf.ELFOSABI_NONE)
	var hb bytes.Buffer
	binary.Write(&hb, le, eh)
	binary.Write(&hb, le, phs)
	copy(ehdr, hb.Bytes())
	return &f, nil
}

type strtab struct {
	b   []byte
	idx map[string]uint32
}

func newStrtab() *strtab { return &strtab{b: []byte{0}, idx: map[string]uint32{"": 0}} }

func (s *strtab) add(name string) uint32 {
	if i, ok := s.idx[name]; ok {
		return i
	}
	i := uint32(len(s.b))
	s.b = append(append(s.b, name...), 0)
	s.idx[name] = i
	return i
}

// sysvHash builds a DT_HASH table for the dynamic symbols named names
// (names[0] is the null symbol).
func sysvHash(names []string) []byte {
	nbucket := uint32(len(names)/2 + 1)
	buckets := make([]uint32, nbucket)
	chains := make([]uint32, len(names))
	for i := len(names) - 1; i > 0; i-- {
		h := elfHash(names[i]) % nbucket
		chains[i] = buckets[h]
		buckets[h] = uint32(i)
	}
	b := make([]byte, 0, 4*(2+len(buckets)+len(chains)))
	b = binary.LittleEndian.AppendUint32(b, nbucket)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
	for _, v := range buckets {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for _, v := range chains {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func elfHash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<4 + uint32(name[i])
		g := h & 0xf0000000
		if g != 0 {
			h ^= g >> 24
		}
		h &^= g
	}
	return h
}
