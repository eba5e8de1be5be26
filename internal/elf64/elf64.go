// Package elf64 holds the few ELF64 structures and constants pkg/link writes,
// named as debug/elf names them. The linker imports this rather than
// debug/elf because debug/elf brings its DWARF and compressed-section readers
// (compress/flate, compress/zlib, internal/zstd) into every binary that
// links lucet, and their package initialisation into every start of
// lucet-run. Values are those of the System V ABI and its x86-64 supplement;
// link's tests read the output back with debug/elf.
package elf64

// ELF identification.
const (
	ELFMAG        = "\x7fELF"
	EI_CLASS      = 4
	EI_DATA       = 5
	EI_VERSION    = 6
	EI_OSABI      = 7
	ELFCLASS64    = 2
	ELFDATA2LSB   = 1
	EV_CURRENT    = 1
	ELFOSABI_NONE = 0
	ET_DYN        = 3
	EM_X86_64     = 62
)

// ProgFlag is a segment permission bit.
type ProgFlag uint32

// Segment types and permissions.
const (
	PT_LOAD      = 1
	PT_DYNAMIC   = 2
	PT_GNU_STACK = 0x6474e551

	PF_X ProgFlag = 1
	PF_W ProgFlag = 2
	PF_R ProgFlag = 4
)

// SectionType is a section header's sh_type.
type SectionType uint32

// SectionFlag is a section header's sh_flags bit.
type SectionFlag uint64

// Section types and flags.
const (
	SHT_PROGBITS SectionType = 1
	SHT_SYMTAB   SectionType = 2
	SHT_STRTAB   SectionType = 3
	SHT_HASH     SectionType = 5
	SHT_DYNAMIC  SectionType = 6
	SHT_DYNSYM   SectionType = 11

	SHF_WRITE     SectionFlag = 1
	SHF_ALLOC     SectionFlag = 2
	SHF_EXECINSTR SectionFlag = 4
)

// SymBind is a symbol's binding; SymType its type.
type (
	SymBind uint8
	SymType uint8
)

// Symbol bindings and types.
const (
	STB_LOCAL  SymBind = 0
	STB_GLOBAL SymBind = 1
	STT_OBJECT SymType = 1
	STT_FUNC   SymType = 2
)

// ST_INFO packs a binding and a type into st_info.
func ST_INFO(bind SymBind, typ SymType) uint8 { return uint8(bind)<<4 | uint8(typ)&0xf }

// Dynamic section tags.
const (
	DT_NULL   = 0
	DT_HASH   = 4
	DT_STRTAB = 5
	DT_SYMTAB = 6
	DT_STRSZ  = 10
	DT_SYMENT = 11
)

// Header64 is the ELF file header.
type Header64 struct {
	Ident     [16]byte
	Type      uint16
	Machine   uint16
	Version   uint32
	Entry     uint64
	Phoff     uint64
	Shoff     uint64
	Flags     uint32
	Ehsize    uint16
	Phentsize uint16
	Phnum     uint16
	Shentsize uint16
	Shnum     uint16
	Shstrndx  uint16
}

// Prog64 is a program header.
type Prog64 struct {
	Type   uint32
	Flags  uint32
	Off    uint64
	Vaddr  uint64
	Paddr  uint64
	Filesz uint64
	Memsz  uint64
	Align  uint64
}

// Section64 is a section header.
type Section64 struct {
	Name      uint32
	Type      uint32
	Flags     uint64
	Addr      uint64
	Off       uint64
	Size      uint64
	Link      uint32
	Info      uint32
	Addralign uint64
	Entsize   uint64
}

// Sym64 is a symbol table entry.
type Sym64 struct {
	Name  uint32
	Info  uint8
	Other uint8
	Shndx uint16
	Value uint64
	Size  uint64
}

// Dyn64 is a dynamic section entry.
type Dyn64 struct {
	Tag int64
	Val uint64
}
