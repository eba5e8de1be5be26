package object

import (
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Check verifies that m is consistent with itself and with a code section
// of textLen bytes: indices in range, code ranges inside the text, sites
// sorted. The loader runs it so that a bug in the compiler or a crafted file
// is reported at load time rather than as a wild jump later.
func (m *Meta) Check(textLen int) error {
	nt := uint64(len(m.Types))
	var nImp [4]uint64
	for i := range m.Imports {
		im := &m.Imports[i]
		if im.Kind > wasm.ExternGlobal {
			return fmt.Errorf("object: import %d: bad kind %d", i, im.Kind)
		}
		nImp[im.Kind]++
		if im.Kind == wasm.ExternFunc && uint64(im.Type) >= nt {
			return fmt.Errorf("object: import %d (%s.%s): type index %d out of range (%d types)", i, im.Module, im.Name, im.Type, nt)
		}
	}
	inText := func(off, size uint64) bool { return off <= uint64(textLen) && size <= uint64(textLen)-off }
	for i, f := range m.Funcs {
		if uint64(f.TypeIndex) >= nt {
			return fmt.Errorf("object: function %d: type index %d out of range (%d types)", nImp[wasm.ExternFunc]+uint64(i), f.TypeIndex, nt)
		}
		if !inText(uint64(f.CodeOffset), uint64(f.CodeSize)) {
			return fmt.Errorf("object: function %d: code [%#x, +%#x) outside the %#x-byte text", nImp[wasm.ExternFunc]+uint64(i), f.CodeOffset, f.CodeSize, textLen)
		}
	}
	if len(m.EntryStubs) > len(m.Types) {
		return fmt.Errorf("object: %d entry stubs for %d types", len(m.EntryStubs), len(m.Types))
	}
	for t, s := range m.EntryStubs {
		if s != NoStub && !inText(uint64(s), 1) {
			return fmt.Errorf("object: entry stub of type %d at %#x outside the %#x-byte text", t, s, textLen)
		}
	}
	if uint64(len(m.ImportStubs)) > nImp[wasm.ExternFunc] {
		return fmt.Errorf("object: %d import stubs for %d imported functions", len(m.ImportStubs), nImp[wasm.ExternFunc])
	}
	for i, s := range m.ImportStubs {
		if s != NoStub && !inText(uint64(s), 1) {
			return fmt.Errorf("object: host-call stub %d at %#x outside the %#x-byte text", i, s, textLen)
		}
	}
	count := [4]uint64{
		wasm.ExternFunc:   nImp[wasm.ExternFunc] + uint64(len(m.Funcs)),
		wasm.ExternTable:  nImp[wasm.ExternTable] + uint64(len(m.Tables)),
		wasm.ExternMemory: nImp[wasm.ExternMemory] + uint64(len(m.Mems)),
		wasm.ExternGlobal: nImp[wasm.ExternGlobal] + uint64(len(m.Globals)),
	}
	for i, x := range m.Exports {
		if x.Kind > wasm.ExternGlobal {
			return fmt.Errorf("object: export %d (%q): bad kind %d", i, x.Name, x.Kind)
		}
		if uint64(x.Index) >= count[x.Kind] {
			return fmt.Errorf("object: export %q: %s index %d out of range (%d)", x.Name, x.Kind, x.Index, count[x.Kind])
		}
	}
	if m.Start < -1 || (m.Start >= 0 && uint64(m.Start) >= count[wasm.ExternFunc]) {
		return fmt.Errorf("object: start function %d out of range (%d functions)", m.Start, count[wasm.ExternFunc])
	}
	for i, s := range m.Sites {
		if uint64(s.CodeOffset) > uint64(textLen) {
			return fmt.Errorf("object: site %d at %#x outside the %#x-byte text", i, s.CodeOffset, textLen)
		}
		if i > 0 && s.CodeOffset < m.Sites[i-1].CodeOffset {
			return fmt.Errorf("object: site table not sorted at entry %d (%#x after %#x)", i, s.CodeOffset, m.Sites[i-1].CodeOffset)
		}
	}
	for _, l := range m.Labels {
		if !inText(uint64(l.Offset), uint64(l.Size)) {
			return fmt.Errorf("object: label %q [%#x, +%#x) outside the %#x-byte text", l.Name, l.Offset, l.Size, textLen)
		}
	}
	return nil
}

// NumImportedFuncs is the number of imported functions, which is where the
// defined functions start in the function index space.
func (m *Meta) NumImportedFuncs() uint32 {
	n := uint32(0)
	for i := range m.Imports {
		if m.Imports[i].Kind == wasm.ExternFunc {
			n++
		}
	}
	return n
}
