package objdump

import (
	"strings"

	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
)

// listings is an object's disassembly cut by symbol.
type listings struct {
	funcs      []funcListing // defined functions, in code order
	stubs      []stubReport  // entry and host-call stubs, labels
	unlabelled []stubReport  // code no symbol covers
}

type funcListing struct {
	index uint32 // in the function index space
	stubReport
}

// disassemble lists the whole object at once, so branch targets are named
// across functions, and matches the parts back to symbols by offset and
// name.
func disassemble(o *object.Object, opt disasm.Options) (*listings, error) {
	parts, err := disasm.Listing(o, opt)
	if err != nil {
		return nil, err
	}
	type key struct {
		off  uint64
		name string
	}
	text := map[key]string{}
	l := &listings{}
	for _, p := range parts {
		text[key{p.Offset, p.Name}] = p.Text
		if strings.HasPrefix(p.Name, ".text+") {
			l.unlabelled = append(l.unlabelled, stubReport{Name: p.Name, Offset: uint32(p.Offset), Size: uint32(p.Size), Disassembly: p.Text})
		}
	}
	for _, s := range link.TextSymbols(&o.Meta, len(o.Text)) {
		sr := stubReport{Name: s.Name, Offset: s.Offset, Size: s.Size, Disassembly: text[key{uint64(s.Offset), s.Name}]}
		if s.Kind == link.SymFunc {
			l.funcs = append(l.funcs, funcListing{s.Index, sr})
		} else {
			l.stubs = append(l.stubs, sr)
		}
	}
	return l, nil
}
