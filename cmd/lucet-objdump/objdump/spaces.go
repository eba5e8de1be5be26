package objdump

import "github.com/lucet-go/lucet/pkg/wasm"

// declared is what a .wasm module and a compiled object both carry, in
// the wasm package's types (object.Meta keeps them as validated).
type declared struct {
	Types   []wasm.FuncType
	Imports []wasm.Import
	Tables  []wasm.TableType
	Mems    []wasm.MemType
	Globals []wasm.Global
	Exports []wasm.Export
	Elems   []wasm.Elem
}

// spaces is the description of a declared: built once here for both
// reports, which then add what only they know (stubs, code).
type spaces struct {
	types    []typeReport
	imports  []impReport
	tables   []tabReport
	memories []memReport
	globals  []globReport
	exports  []expReport
	elems    []elemReport
	// exportsOf[kind][index] are the export names of an entity.
	exportsOf [4]map[uint32][]string
}

func describe(d declared) *spaces {
	s := &spaces{exportsOf: [4]map[uint32][]string{{}, {}, {}, {}}}
	for _, x := range d.Exports {
		s.exportsOf[x.Kind][x.Index] = append(s.exportsOf[x.Kind][x.Index], x.Name)
		s.exports = append(s.exports, expReport{x.Name, x.Kind.String(), x.Index})
	}
	for i, t := range d.Types {
		s.types = append(s.types, typeReport{Index: i, Signature: t.String()})
	}
	// Imports come first in each index space; n counts them by kind.
	var n [4]uint32
	for _, im := range d.Imports {
		ir := impReport{Kind: im.Kind.String(), Index: n[im.Kind], Module: im.Module, Name: im.Name}
		qual := im.Module + "." + im.Name
		exports := s.exportsOf[im.Kind][ir.Index]
		switch im.Kind {
		case wasm.ExternFunc:
			ir.Type = typeString(d.Types, im.Type)
		case wasm.ExternTable:
			ir.Type = tableString(im.Table)
			s.tables = append(s.tables, tabReport{Index: ir.Index, Elem: im.Table.Elem.String(), Min: im.Table.Limits.Min, Max: maxOf(im.Table.Limits), Import: qual, Exports: exports})
		case wasm.ExternMemory:
			ir.Type = limitsString(im.Mem.Limits, " pages")
			s.memories = append(s.memories, memReport{Index: ir.Index, Import: qual, Min: im.Mem.Limits.Min, Max: maxOf(im.Mem.Limits), Exports: exports})
		case wasm.ExternGlobal:
			ir.Type = globalTypeString(im.Global)
			s.globals = append(s.globals, globReport{Index: ir.Index, Type: im.Global.Type.String(), Mutable: im.Global.Mutable, Import: qual, Exports: exports})
		}
		n[im.Kind]++
		s.imports = append(s.imports, ir)
	}
	for i, t := range d.Tables {
		idx := n[wasm.ExternTable] + uint32(i)
		s.tables = append(s.tables, tabReport{Index: idx, Elem: t.Elem.String(), Min: t.Limits.Min, Max: maxOf(t.Limits), Exports: s.exportsOf[wasm.ExternTable][idx]})
	}
	for i, mt := range d.Mems {
		idx := n[wasm.ExternMemory] + uint32(i)
		s.memories = append(s.memories, memReport{Index: idx, Min: mt.Limits.Min, Max: maxOf(mt.Limits), Exports: s.exportsOf[wasm.ExternMemory][idx]})
	}
	for i, g := range d.Globals {
		idx := n[wasm.ExternGlobal] + uint32(i)
		s.globals = append(s.globals, globReport{Index: idx, Type: g.Type.Type.String(), Mutable: g.Type.Mutable, Init: constString(g.Init), Exports: s.exportsOf[wasm.ExternGlobal][idx]})
	}
	for i, e := range d.Elems {
		er := elemReport{Index: i, Mode: modeString(e.Mode), Type: e.Type.String(), Count: len(e.Init)}
		if e.Mode == wasm.SegmentActive {
			er.Table, er.Offset = e.Table, constString(e.Offset)
		}
		s.elems = append(s.elems, er)
	}
	// Machines get [] rather than null for an empty list.
	s.types, s.imports, s.tables, s.memories = nonNilS(s.types), nonNilS(s.imports), nonNilS(s.tables), nonNilS(s.memories)
	s.globals, s.exports, s.elems = nonNilS(s.globals), nonNilS(s.exports), nonNilS(s.elems)
	return s
}
