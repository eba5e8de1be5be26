package execute

import (
	"encoding/binary"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Instantiation starts every instance of a module from images prepared
// once, when the module is loaded, instead of evaluating the module's
// constant expressions op by op for each instance: the defined globals'
// cells are copied in one go, and the defined tables are filled from the
// function indices the active element segments leave in them (a Go
// program has tens of thousands). What cannot be prepared (a value read
// from an import, a segment that could trap) is evaluated per instance as
// the spec orders it.

// globalImage is the defined globals' cells (abi.GlobalCellSize bytes each)
// as an instance starts them. dynamic lists the globals whose initial value
// differs between instances (global.get, ref.func): their cells are zero in
// the image and are evaluated after the copy, in index order.
type globalImage struct {
	cells   []uint64
	dynamic []uint32
}

func prepareGlobals(meta *object.Meta) *globalImage {
	if len(meta.Globals) == 0 {
		return nil
	}
	const w = abi.GlobalCellSize / 8
	gi := &globalImage{cells: make([]uint64, w*len(meta.Globals))}
	for i, g := range meta.Globals {
		cell := gi.cells[w*i : w*i+w]
		switch g.Init.Op {
		case wasm.OpI32Const, wasm.OpF32Const:
			cell[0] = uint64(uint32(g.Init.Value))
		case wasm.OpI64Const, wasm.OpF64Const:
			cell[0] = g.Init.Value
		case wasm.OpV128Const:
			cell[0] = binary.LittleEndian.Uint64(g.Init.V128[:8])
			cell[1] = binary.LittleEndian.Uint64(g.Init.V128[8:])
		case wasm.OpRefNull:
		default:
			gi.dynamic = append(gi.dynamic, uint32(i))
		}
	}
	return gi
}

// tableImage is what the active element segments leave in the module's
// own tables: funcs[t][j] is 1 + the function index in slot j of defined
// table t, 0 for null (a new table reads null throughout).
type tableImage struct {
	funcs [][]uint32
}

// prepareTables returns the image of the active element segments, or nil
// when instantiation must apply them itself: a segment writes an imported
// table (its size is the exporter's), has an offset read from a global,
// does not fit the table's initial size (instantiation traps, keeping the
// segments before it), or has an element that is neither ref.func nor
// ref.null.
func prepareTables(meta *object.Meta, nImpTables, nFuncs uint32) *tableImage {
	ti := &tableImage{funcs: make([][]uint32, len(meta.Tables))}
	found := false
	for _, el := range meta.Elems {
		if el.Mode != wasm.SegmentActive {
			continue
		}
		if el.Table < nImpTables || el.Offset.Op != wasm.OpI32Const {
			return nil
		}
		t := el.Table - nImpTables
		if int(t) >= len(meta.Tables) {
			return nil
		}
		off := uint64(uint32(el.Offset.Value))
		if off+uint64(len(el.Init)) > meta.Tables[t].Limits.Min {
			return nil
		}
		end := int(off) + len(el.Init)
		if len(el.Init) > 0 && end > len(ti.funcs[t]) {
			grown := make([]uint32, end)
			copy(grown, ti.funcs[t])
			ti.funcs[t] = grown
		}
		for j, c := range el.Init {
			switch c.Op {
			case wasm.OpRefFunc:
				if c.Index >= nFuncs {
					return nil
				}
				ti.funcs[t][int(off)+j] = c.Index + 1
			case wasm.OpRefNull:
				ti.funcs[t][int(off)+j] = 0
			default:
				return nil
			}
		}
		found = true
	}
	if !found {
		return nil
	}
	return ti
}
