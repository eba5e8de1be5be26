package object_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestCheckRefuses: each field Check covers, broken one at a time in an
// otherwise valid object, is refused with an error naming it.
func TestCheckRefuses(t *testing.T) {
	if err := objtest.Small().Meta.Check(len(objtest.Small().Text)); err != nil {
		t.Fatalf("valid object refused: %v", err)
	}
	for _, tt := range []struct {
		name   string
		mutate func(m *object.Meta)
		want   string
	}{
		{"bounds mode", func(m *object.Meta) { m.Bounds = 7 }, "bad bounds-check mode"},
		{"unaligned reservation", func(m *object.Meta) { m.MemReserve++ }, "reservation"},
		{"reservation overflow", func(m *object.Meta) { m.MemGuard = ^uint64(0) }, "reservation"},
		{"bad value type", func(m *object.Meta) { m.Types[0].Params[0] = 0x40 }, "bad value type"},
		{"import type", func(m *object.Meta) { m.Imports[0].Type = 9 }, "type index 9"},
		{"import kind", func(m *object.Meta) { m.Imports[0].Kind = 9 }, "bad kind"},
		{"memory limits", func(m *object.Meta) { m.Mems[0].Limits.Max = 0 }, "bad limits"},
		{"memory too large", func(m *object.Meta) { m.Mems[0].Limits = wasm.Limits{Min: 1 << 17} }, "bad limits"},
		{"table element type", func(m *object.Meta) { m.Tables[0].Elem = wasm.I32 }, "table element type"},
		{"fixed-table flags", func(m *object.Meta) { m.FixedTables = []bool{true, true} }, "2 fixed-table flags for 1 tables"},
		{"global initializer type", func(m *object.Meta) { m.Globals[0].Init.Op = wasm.OpI64Const }, "i64 value where i32"},
		{"global initializer reads itself", func(m *object.Meta) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpGlobalGet, Index: 0, NumInstrs: 1}
		}, "global.get 0"},
		{"non-constant initializer", func(m *object.Meta) { m.Globals[1].Init.NonConst = true }, "not a single constant"},
		{"two-instruction initializer", func(m *object.Meta) { m.Globals[1].Init.NumInstrs = 2 }, "not a single constant"},
		{"ref.func out of range", func(m *object.Meta) { m.Elems[0].Init[1].Index = 4 }, "ref.func 4"},
		{"element table", func(m *object.Meta) { m.Elems[0].Table = 1 }, "table 1 out of range"},
		{"element mode", func(m *object.Meta) { m.Elems[0].Mode = 9 }, "bad mode"},
		{"data memory", func(m *object.Meta) { m.Datas[0].Mem = 1 }, "memory 1 out of range"},
		{"data offset opcode", func(m *object.Meta) { m.Datas[0].Offset.Op = wasm.OpNop }, "not a constant instruction"},
		{"data offset global", func(m *object.Meta) { m.Datas[0].Offset = object.Const{Op: wasm.OpGlobalGet, Index: 5} }, "global.get 5"},
		{"empty function", func(m *object.Meta) { m.Funcs[0].CodeSize = 0 }, "outside"},
		{"overlapping functions", func(m *object.Meta) { m.Funcs[1].CodeOffset = 0x14 }, "overlap"},
		{"overlapping functions out of order", func(m *object.Meta) { m.Funcs[0].CodeOffset = 0x2a }, "overlap"},
		{"stub inside a function out of order", func(m *object.Meta) {
			m.Funcs[0], m.Funcs[2] = m.Funcs[2], m.Funcs[0]
			m.ImportStubs[0] = 0x2a
		}, "not a code start"},
		{"entry stub inside a function", func(m *object.Meta) { m.EntryStubs[1] = 0x12 }, "not a code start"},
		{"missing host-call stub", func(m *object.Meta) { m.ImportStubs = nil }, "host-call stubs"},
		{"host-call stub inside a function", func(m *object.Meta) { m.ImportStubs[0] = 0x21 }, "not a code start"},
		{"site function", func(m *object.Meta) { m.Sites[0].Func = 9 }, "function 9 out of range"},
		{"site trap code", func(m *object.Meta) { m.Sites[0].Code = 200 }, "bad trap code"},
		{"start type", func(m *object.Meta) { m.Start = 1 }, "start function 1 has type"},
		{"export index", func(m *object.Meta) { m.Exports[2].Index = 1 }, "memory index 1 out of range"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			tt.mutate(&o.Meta)
			err := o.Meta.Check(len(o.Text))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "object: ") {
				t.Errorf("Check: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// Functions need not be in code order (lucetc writes them so, and Check
// takes that fast path); any order of disjoint functions is accepted.
func TestCheckFunctionsOutOfOrder(t *testing.T) {
	o := objtest.Small()
	f := o.Meta.Funcs
	f[0], f[1], f[2] = f[2], f[0], f[1]
	if err := o.Meta.Check(len(o.Text)); err != nil {
		t.Errorf("Check of reordered functions: %v", err)
	}
}

// TestCheckSiteErrors pins the exact error for each broken site, and for
// sites broken several ways at once the first failing check in the order
// offset, sort order, function, trap code, and the first bad site: the
// site loop tests everything in one condition and works the error out
// afterwards, which must say what the tests one by one said.
func TestCheckSiteErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(s []object.Site)
		want   string
	}{
		{"outside the text", func(s []object.Site) { s[1].CodeOffset = 0x1000 }, "site 1 at 0x1000 outside the 0x39-byte text"},
		{"at the text's end", func(s []object.Site) { s[2].CodeOffset = 0x39; s[2].Func = 9 }, "site 2: function 9 out of range (4 functions)"},
		{"unsorted", func(s []object.Site) { s[2].CodeOffset = 0x2b }, "site table not sorted at entry 2 (0x2b after 0x2c)"},
		{"unsorted at 1", func(s []object.Site) { s[1].CodeOffset = 0x10 }, "site table not sorted at entry 1 (0x10 after 0x24)"},
		{"function", func(s []object.Site) { s[0].Func = 4 }, "site 0: function 4 out of range (4 functions)"},
		{"trap code", func(s []object.Site) { s[2].Code = 200 }, "site 2: bad trap code 200"},
		{"outside before unsorted", func(s []object.Site) { s[0].CodeOffset = 0x1000 }, "site 0 at 0x1000 outside the 0x39-byte text"},
		{"unsorted before function", func(s []object.Site) { s[1].CodeOffset = 0x10; s[1].Func = 9 }, "site table not sorted at entry 1"},
		{"function before code", func(s []object.Site) { s[1].Func = 9; s[1].Code = 200 }, "site 1: function 9 out of range"},
		{"first bad site", func(s []object.Site) { s[2].Func = 9; s[1].Code = 200 }, "site 1: bad trap code 200"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := objtest.Small()
			tt.mutate(o.Meta.Sites)
			err := o.Meta.Check(len(o.Text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
