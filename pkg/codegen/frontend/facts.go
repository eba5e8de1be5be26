package frontend

import (
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Facts are what the frontend knows of the whole module when it
// translates one function. The zero value (or nil) knows nothing, which
// is always correct.
type Facts struct {
	// ConstTable[t] is set when nothing can change table t after
	// instantiation: it is defined here, not exported (the host and other
	// modules reach a table only through imports and exports), and no
	// table.set, table.grow, table.fill, table.init or table.copy of the
	// module writes it. A call_indirect through it then checks its
	// element as a value of its own (ssa.OpCallTarget) that depends on
	// the index alone, which the SSA passes may share and hoist.
	ConstTable []bool
	// FixedTable[t] is set when table t never changes size: defined
	// here, not exported, and no table.grow of the module names it
	// (object.Meta.FixedTables). ConstTable implies it.
	FixedTable []bool
}

// ModuleFacts scans m once for Facts. The scan decodes every body only
// when some defined table is not exported.
func ModuleFacts(m *wasm.Module) *Facts { return ValidatedFacts(m, nil) }

// ValidatedFacts is ModuleFacts of m validated with info (nil: not
// known), whose scan then reads only the bodies info says write a table.
func ValidatedFacts(m *wasm.Module, info *validate.Info) *Facts {
	nt := int(m.NumTables())
	if nt == 0 || len(m.Tables) == 0 {
		return &Facts{}
	}
	ct := make([]bool, nt)
	fixed := make([]bool, nt)
	left := 0 // tables still ConstTable or FixedTable
	for i := int(m.NumImportedTables); i < nt; i++ {
		ct[i], fixed[i] = true, true
		left++
	}
	for _, e := range m.Exports {
		if e.Kind == wasm.ExternTable && int(e.Index) < nt && fixed[e.Index] {
			ct[e.Index], fixed[e.Index] = false, false
			left--
		}
	}
	// clear takes table t out of ConstTable, and out of FixedTable too
	// when it grows.
	clear := func(t uint32, grows bool) {
		if int(t) >= nt || !fixed[t] {
			return
		}
		ct[t] = false
		if grows {
			fixed[t] = false
			left--
		}
	}
	var r wasm.Reader
	kind := fastKinds.Get() // the immediates' shapes readFast decodes
	for i := range m.Codes {
		if left == 0 {
			break
		}
		if info != nil && i < len(info.Funcs) && !info.Funcs[i].WritesTables {
			// Reading every byte of a big module's code was ~1% of its
			// compile at opt level 2, and serial.
			continue
		}
		b := m.Codes[i].Body
		for pos := 0; pos < len(b); {
			// Most instructions are stepped over by their immediates'
			// shape; the rest, table.set and the 0xfc table operations
			// among them, are decoded.
			k := kind[b[pos]]
			if b[pos] == byte(wasm.OpTableSet) {
				k = fastSlow
			}
			switch k {
			case fastNone:
				pos++
				continue
			case fastIndex, fastI32, fastI64:
				pos = skipLEB(b, pos+1)
				continue
			case fastMemarg:
				pos = skipLEB(b, skipLEB(b, pos+1))
				continue
			case fastF32:
				pos += 5
				continue
			case fastF64:
				pos += 9
				continue
			}
			r.Reset(b)
			r.SetPos(pos)
			in, err := r.Next()
			if err != nil {
				// Undecodable code fails to compile anyway; assume the
				// worst of the module until then.
				return &Facts{}
			}
			switch in.Op {
			case wasm.OpTableGrow:
				clear(in.Index, true)
			case wasm.OpTableSet, wasm.OpTableFill, wasm.OpTableCopy:
				clear(in.Index, false)
			case wasm.OpTableInit:
				clear(in.Index2, false)
			}
			pos = r.Pos()
		}
	}
	return &Facts{ConstTable: ct, FixedTable: fixed}
}

// constTable reports whether the module's facts say table t never
// changes.
func (b *builder) constTable(t uint32) bool {
	return b.facts != nil && int(t) < len(b.facts.ConstTable) && b.facts.ConstTable[t]
}

// skipLEB returns the position after the LEB128 integer at p (past the
// end of b when it runs off it).
func skipLEB(b []byte, p int) int {
	for p < len(b) && b[p]&0x80 != 0 {
		p++
	}
	return p + 1
}
