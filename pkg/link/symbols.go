package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// SymKind says what a text symbol labels.
type SymKind uint8

const (
	SymFunc      SymKind = iota // a defined function; Index is its function index
	SymEntryStub                // an entry stub; Index is the type index
	SymHostStub                 // a host-call stub; Index is the imported function index
	SymLabel                    // a Meta.Labels entry; Index is its position there
)

// Symbol is a named range of .text.
type Symbol struct {
	Name     string
	Kind     SymKind
	Index    uint32
	Offset   uint32
	Size     uint32
	Exported bool     // in .dynsym (an exported function)
	Aliases  []string // further export names of the same function
}

// reservedNames may not be taken by a guest function.
// An array, not a map, so that the linker lays it out.
var reservedNames = [...]string{"lucet_module", "lucet_meta", "lucet_data"}

// TextSymbols names every function and stub of m, sorted by offset (ties by
// kind, then index). A function's symbol is its Meta name when that is
// usable, else its first export name, else guest_func_<index>; a name that
// is taken gets _<index> appended. Stubs are lucet_entry_<type> and
// lucet_hostcall_<import>; labels keep their names (made unique the same
// way). Sizes of stubs, which Meta does not record, run
// to the next symbol or the end of the text.
func TextSymbols(m *object.Meta, textLen int) []Symbol {
	nImp := m.NumImportedFuncs()
	var syms []Symbol
	taken := map[string]bool{}
	for _, k := range reservedNames {
		taken[k] = true
	}
	claim := func(name string, idx uint32, fallback string) string {
		if name == "" || strings.IndexByte(name, 0) >= 0 {
			name = fmt.Sprintf("%s_%d", fallback, idx)
		}
		base := name
		for i := 0; taken[name]; i++ {
			if i == 0 {
				name = fmt.Sprintf("%s_%d", base, idx)
			} else {
				name = fmt.Sprintf("%s_%d_%d", base, idx, i)
			}
		}
		taken[name] = true
		return name
	}

	for t, off := range m.EntryStubs {
		if off != object.NoStub {
			name := fmt.Sprintf("lucet_entry_%d", t)
			taken[name] = true
			syms = append(syms, Symbol{Name: name, Kind: SymEntryStub, Index: uint32(t), Offset: off})
		}
	}
	for i, off := range m.ImportStubs {
		if off != object.NoStub {
			name := fmt.Sprintf("lucet_hostcall_%d", i)
			taken[name] = true
			syms = append(syms, Symbol{Name: name, Kind: SymHostStub, Index: uint32(i), Offset: off})
		}
	}

	for i, l := range m.Labels {
		syms = append(syms, Symbol{Name: claim(l.Name, uint32(i), "lucet_label"), Kind: SymLabel, Index: uint32(i), Offset: l.Offset, Size: l.Size})
	}

	// Export names are unique among exports, so they claim their names
	// first; internal names yield to them.
	exportNames := make([][]string, len(m.Funcs))
	for _, x := range m.Exports {
		if x.Kind == wasm.ExternFunc && x.Index >= nImp && x.Index-nImp < uint32(len(m.Funcs)) {
			i := x.Index - nImp
			exportNames[i] = append(exportNames[i], x.Name)
		}
	}
	fsyms := make([]Symbol, len(m.Funcs))
	for i, f := range m.Funcs {
		fsyms[i] = Symbol{Kind: SymFunc, Index: nImp + uint32(i), Offset: f.CodeOffset, Size: f.CodeSize}
	}
	for i := range m.Funcs {
		names := exportNames[i]
		if len(names) == 0 {
			continue
		}
		fsyms[i].Exported = true
		// Prefer the Meta name when it is one of the export names.
		first := names[0]
		for _, n := range names {
			if n == m.Funcs[i].Name {
				first = n
			}
		}
		fsyms[i].Name = claim(first, fsyms[i].Index, "guest_func")
		for _, n := range names {
			if n != first {
				fsyms[i].Aliases = append(fsyms[i].Aliases, claim(n, fsyms[i].Index, "guest_func"))
			}
		}
	}
	for i := range m.Funcs {
		if !fsyms[i].Exported {
			fsyms[i].Name = claim(m.Funcs[i].Name, fsyms[i].Index, "guest_func")
		}
	}
	syms = append(syms, fsyms...)
	sort.SliceStable(syms, func(i, j int) bool {
		if syms[i].Offset != syms[j].Offset {
			return syms[i].Offset < syms[j].Offset
		}
		return syms[i].Kind < syms[j].Kind
	})
	for i := range syms {
		if syms[i].Kind == SymFunc || syms[i].Kind == SymLabel {
			continue
		}
		end := uint32(textLen)
		for j := i + 1; j < len(syms); j++ {
			if syms[j].Offset > syms[i].Offset {
				end = syms[j].Offset
				break
			}
		}
		if end > syms[i].Offset {
			syms[i].Size = end - syms[i].Offset
		}
	}
	return syms
}
