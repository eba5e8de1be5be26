package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

const (
	i32  = wasm.I32
	i64  = wasm.I64
	f32  = wasm.F32
	f64  = wasm.F64
	v128 = wasm.V128
	fref = wasm.FuncRef
	eref = wasm.ExternRef
)

// Types of base(), by index.
const (
	tVoid     = iota // [] -> []
	tI32I32          // [i32] -> [i32]
	tRetI32          // [] -> [i32]
	tPair            // [i32 i32] -> [i32 i32]
	tRetI64          // [] -> [i64]
	tRetV128         // [] -> [v128]
	tRetFunc         // [] -> [funcref]
	tParamI32        // [i32] -> []
)

const bodyOffset = 0x100

// base is a module with one of everything a body can refer to: memory 0,
// table 0 of funcref and table 1 of externref, a mutable i32 global 0 and
// an immutable i64 global 1, a passive funcref element segment, a passive
// data segment with its data count, and an exported function so ref.func
// of it is declared. Tests add their function after it.
func base() *wasm.Module {
	one := func(t wasm.ValType) []wasm.ValType { return []wasm.ValType{t} }
	m := &wasm.Module{
		Types: []wasm.FuncType{
			tVoid:     {},
			tI32I32:   {Params: one(i32), Results: one(i32)},
			tRetI32:   {Results: one(i32)},
			tPair:     {Params: []wasm.ValType{i32, i32}, Results: []wasm.ValType{i32, i32}},
			tRetI64:   {Results: one(i64)},
			tRetV128:  {Results: one(v128)},
			tRetFunc:  {Results: one(fref)},
			tParamI32: {Params: one(i32)},
		},
		Mems:   []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Tables: []wasm.TableType{{Elem: fref, Limits: wasm.Limits{Min: 10}}, {Elem: eref, Limits: wasm.Limits{Min: 1}}},
		Globals: []wasm.Global{
			{Type: wasm.GlobalType{Type: i32, Mutable: true}, Init: wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1}},
			{Type: wasm.GlobalType{Type: i64}, Init: wasm.ConstExpr{Op: wasm.OpI64Const, NumInstrs: 1}},
		},
		Elems:        []wasm.Elem{{Mode: wasm.SegmentPassive, Type: fref}},
		Datas:        []wasm.Data{{Mode: wasm.SegmentPassive, Init: []byte{1}}},
		DataCount:    1,
		HasDataCount: true,
	}
	addFunc(m, tVoid, nil, []byte{0x0B})
	m.Exports = []wasm.Export{{Name: "f0", Kind: wasm.ExternFunc, Index: 0}}
	return m
}

func addFunc(m *wasm.Module, typ uint32, locals []wasm.LocalEntry, body []byte) {
	n := uint32(0)
	for _, l := range locals {
		n += l.Count
	}
	m.Funcs = append(m.Funcs, typ)
	m.Codes = append(m.Codes, wasm.Code{Locals: locals, NumLocals: n, Body: body, BodyOffset: bodyOffset})
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Instruction encoders for readability.
func i32c(v int32) []byte { return append([]byte{0x41}, sleb(int64(v))...) }
func i64c(v int64) []byte { return append([]byte{0x42}, sleb(v)...) }
func f32c() []byte        { return []byte{0x43, 0, 0, 0, 0} }
func f64c() []byte        { return []byte{0x44, 0, 0, 0, 0, 0, 0, 0, 0} }
func v128c() []byte       { return append([]byte{0xFD, 0x0C}, make([]byte, 16)...) }
func op(b ...byte) []byte { return b }
func simd(sub uint32, imm ...byte) []byte {
	return append(append([]byte{0xFD}, uleb(uint64(sub))...), imm...)
}
func fc(sub uint32, imm ...byte) []byte {
	return append(append([]byte{0xFC}, uleb(uint64(sub))...), imm...)
}

func TestFunctionBodies(t *testing.T) {
	tests := []struct {
		name   string
		typ    uint32
		locals []wasm.LocalEntry
		body   []byte // the final end is appended unless noEnd
		noEnd  bool
		tweak  func(*wasm.Module)
		want   string // "" when valid
	}{
		// Valid code.
		{name: "empty", typ: tVoid},
		{name: "add", typ: tRetI32, body: cat(i32c(1), i32c(2), op(0x6A))},
		{name: "all consts", typ: tVoid, body: cat(i32c(-1), op(0x1A), i64c(1<<40), op(0x1A), f32c(), op(0x1A), f64c(), op(0x1A), v128c(), op(0x1A))},
		{name: "param and locals", typ: tI32I32, locals: []wasm.LocalEntry{{Count: 2, Type: i64}},
			body: cat(op(0x20, 1, 0x21, 2, 0x20, 0, 0x22, 0))},
		{name: "multi-value block with params", typ: tPair,
			body: cat(op(0x20, 0, 0x20, 0, 0x02, tPair, 0x0B, 0x1A, 0x1A), op(0x20, 0, 0x20, 0))},
		{name: "loop branches to its params", typ: tVoid, body: cat(i32c(0), op(0x03, tParamI32, 0x0C, 0, 0x0B))},
		{name: "if else results", typ: tRetI32, body: cat(i32c(1), op(0x04, 0x7F), i32c(2), op(0x05), i32c(3), op(0x0B))},
		{name: "if without else passes params", typ: tI32I32, body: cat(op(0x20, 0), i32c(1), op(0x04, tI32I32, 0x0B))},
		{name: "unreachable polymorphism", typ: tRetI32, body: op(0x00, 0x6A, 0x1B)},
		{name: "unreachable then typed", typ: tRetI64, body: cat(op(0x00), i64c(0), op(0x7C))},
		{name: "return polymorphism", typ: tRetI32, body: cat(i32c(0), op(0x0F, 0x1A, 0x1A, 0x45))},
		{name: "br_table same arity", typ: tRetI32,
			body: cat(op(0x02, 0x7F), i32c(7), i32c(0), op(0x0E, 1, 0, 1, 0x0B))},
		{name: "br_table in unreachable code", typ: tRetI32, body: op(0x00, 0x0E, 0, 0)},
		{name: "select numeric", typ: tRetI32, body: cat(i32c(1), i32c(2), i32c(0), op(0x1B))},
		{name: "select unreachable", typ: tRetI32, body: op(0x00, 0x1B)},
		{name: "typed select funcref", typ: tRetFunc, body: cat(op(0xD0, 0x70, 0xD0, 0x70), i32c(0), op(0x1C, 1, 0x70))},
		{name: "ref.func declared", typ: tRetFunc, body: op(0xD2, 0)},
		{name: "ref.is_null", typ: tRetI32, body: op(0xD0, 0x6F, 0xD1)},
		{name: "call", typ: tRetI32, body: cat(i32c(0), op(0x10, 2)), tweak: func(m *wasm.Module) {
			addFunc(m, tI32I32, nil, op(0x20, 0, 0x0B))
		}},
		{name: "call_indirect", typ: tRetI32, body: cat(i32c(5), i32c(0), op(0x11, tI32I32, 0))},
		{name: "globals", typ: tRetI64, body: cat(i32c(1), op(0x24, 0, 0x23, 1))},
		{name: "memory ops", typ: tRetI32,
			body: cat(i32c(0), i64c(1), op(0x37, 3, 0), i32c(0), op(0x2D, 0, 4, 0x3F, 0, 0x6A, 0x40, 0))},
		{name: "bulk memory", typ: tVoid,
			body: cat(i32c(0), i32c(0), i32c(0), fc(8, 0, 0), fc(9, 0), i32c(0), i32c(0), i32c(0), fc(10, 0, 0),
				i32c(0), i32c(0), i32c(0), fc(11, 0))},
		{name: "table ops", typ: tRetI32,
			body: cat(i32c(0), op(0x25, 0, 0x1A), i32c(0), op(0xD0, 0x6F, 0x26, 1), op(0xD0, 0x70), i32c(1), fc(15, 0), op(0x1A),
				i32c(0), i32c(0), i32c(0), fc(12, 0, 0), fc(13, 0), i32c(0), i32c(0), i32c(0), fc(14, 0, 0),
				i32c(0), op(0xD0, 0x70), i32c(1), fc(17, 0), fc(16, 0))},
		{name: "trunc_sat", typ: tRetI64, body: cat(f64c(), fc(6))},
		{name: "simd lanes", typ: tRetI32, body: cat(v128c(), simd(0x15, 15))},
		{name: "simd shuffle", typ: tRetV128, body: cat(v128c(), v128c(), simd(0x0D, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31))},
		{name: "simd load store", typ: tVoid, body: cat(i32c(0), i32c(0), simd(0x00, 4, 0), simd(0x0B, 4, 0))},
		{name: "simd load lane", typ: tRetV128, body: cat(i32c(0), v128c(), simd(0x57, 3, 0, 1))},
		{name: "simd shift", typ: tRetV128, body: cat(v128c(), i32c(1), simd(0x6B))},
		{name: "simd bitselect", typ: tRetV128, body: cat(v128c(), v128c(), v128c(), simd(0x52))},

		// Type errors.
		{name: "add mixed", typ: tRetI32, body: cat(i32c(1), i64c(2), op(0x6A)), want: "type mismatch"},
		{name: "missing result", typ: tRetI32, want: "type mismatch"},
		{name: "extra value", typ: tVoid, body: i32c(1), want: "type mismatch"},
		{name: "wrong result", typ: tRetI32, body: i64c(1), want: "type mismatch"},
		{name: "pop past block start", typ: tVoid, body: cat(i32c(1), op(0x02, 0x40, 0x1A, 0x0B)), want: "type mismatch"},
		{name: "if without else changing type", typ: tRetI32, body: cat(i32c(1), op(0x04, 0x7F), i32c(2), op(0x0B)), want: "type mismatch"},
		{name: "if cond missing", typ: tVoid, body: op(0x04, 0x40, 0x0B), want: "type mismatch"},
		{name: "br_if keeps label types after unreachable", typ: tRetI32, body: op(0x00, 0x0D, 0, 0x50), want: "type mismatch"},
		{name: "br_table arity", typ: tVoid,
			body: cat(op(0x02, 0x40, 0x02, 0x7F), i32c(0), op(0x0E, 1, 0, 1, 0x0B, 0x0B)), want: "type mismatch"},
		{name: "select ref untyped", typ: tRetFunc, body: cat(op(0xD0, 0x70, 0xD0, 0x70), i32c(0), op(0x1B)), want: "type mismatch"},
		{name: "select mismatched", typ: tRetI32, body: cat(i32c(1), i64c(2), i32c(0), op(0x1B)), want: "type mismatch"},
		{name: "select arity", typ: tRetI32, body: cat(i32c(1), i32c(2), i32c(0), op(0x1C, 2, 0x7F, 0x7F)), want: "invalid result arity"},
		{name: "ref.is_null on i32", typ: tRetI32, body: cat(i32c(1), op(0xD1)), want: "type mismatch"},
		{name: "call_indirect on externref table", typ: tRetI32, body: cat(i32c(5), i32c(0), op(0x11, tI32I32, 1)), want: "type mismatch"},
		{name: "table.copy elem types", typ: tVoid, body: cat(i32c(0), i32c(0), i32c(0), fc(14, 0, 1)), want: "type mismatch"},
		{name: "table.init elem types", typ: tVoid, body: cat(i32c(0), i32c(0), i32c(0), fc(12, 0, 1)), want: "type mismatch"},
		{name: "table.set value type", typ: tVoid, body: cat(i32c(0), op(0xD0, 0x70, 0x26, 1)), want: "type mismatch"},
		{name: "simd operand", typ: tRetV128, body: cat(v128c(), i64c(1), simd(0x6B)), want: "type mismatch"},
		{name: "store operand order", typ: tVoid, body: cat(i64c(1), i32c(0), op(0x37, 3, 0)), want: "type mismatch"},

		// Index spaces.
		{name: "unknown local", typ: tI32I32, locals: []wasm.LocalEntry{{Count: 1, Type: i32}}, body: op(0x20, 2), want: "unknown local 2"},
		{name: "unknown global", typ: tVoid, body: op(0x23, 2, 0x1A), want: "unknown global 2"},
		{name: "immutable global", typ: tVoid, body: cat(i64c(1), op(0x24, 1)), want: "global is immutable"},
		{name: "unknown function", typ: tVoid, body: op(0x10, 9), want: "unknown function 9"},
		{name: "unknown function ref", typ: tRetFunc, body: op(0xD2, 9), want: "unknown function 9"},
		{name: "undeclared ref", typ: tRetFunc, body: op(0xD2, 1), want: "undeclared function reference"},
		{name: "unknown table", typ: tRetI32, body: fc(16, 2), want: "unknown table 2"},
		{name: "unknown table call_indirect", typ: tRetI32, body: cat(i32c(0), op(0x11, tRetI32, 5)), want: "unknown table 5"},
		{name: "unknown type call_indirect", typ: tRetI32, body: cat(i32c(0), op(0x11, 40, 0)), want: "unknown type 40"},
		{name: "unknown type block", typ: tVoid, body: op(0x02, 40, 0x0B), want: "unknown type 40"},
		{name: "unknown label", typ: tVoid, body: op(0x02, 0x40, 0x0C, 2, 0x0B), want: "unknown label 2"},
		{name: "unknown label br_table", typ: tVoid, body: cat(i32c(0), op(0x0E, 1, 3, 0)), want: "unknown label 3"},
		{name: "unknown elem", typ: tVoid, body: fc(13, 1), want: "unknown elem segment 1"},
		{name: "unknown data", typ: tVoid, body: fc(9, 1), want: "unknown data segment 1"},
		{name: "data count required", typ: tVoid, body: fc(9, 0), tweak: func(m *wasm.Module) {
			m.HasDataCount, m.DataCount = false, 0
		}, want: "data count section required"},
		{name: "unknown memory load", typ: tRetI32, body: cat(i32c(0), op(0x28, 2, 0)), tweak: noMem, want: "unknown memory 0"},
		{name: "unknown memory grow", typ: tRetI32, body: cat(i32c(0), op(0x40, 0)), tweak: noMem, want: "unknown memory 0"},
		{name: "unknown memory fill", typ: tVoid, body: cat(i32c(0), i32c(0), i32c(0), fc(11, 0)), tweak: noMem, want: "unknown memory 0"},
		{name: "unknown memory simd", typ: tRetV128, body: cat(i32c(0), simd(0x00, 4, 0)), tweak: noMem, want: "unknown memory 0"},

		// Immediates.
		{name: "alignment", typ: tRetI32, body: cat(i32c(0), op(0x28, 3, 0)), want: "alignment must not be larger than natural"},
		{name: "alignment store8", typ: tVoid, body: cat(i32c(0), i32c(0), op(0x3A, 1, 0)), want: "alignment must not be larger than natural"},
		{name: "alignment huge", typ: tRetI32, body: cat(i32c(0), op(0x28, 0x80, 0x80, 0x80, 0x80, 0x08, 0)), want: "alignment must not be larger than natural"},
		{name: "alignment simd splat", typ: tRetV128, body: cat(i32c(0), simd(0x07, 1, 0)), want: "alignment must not be larger than natural"},
		{name: "alignment simd lane", typ: tRetV128, body: cat(i32c(0), v128c(), simd(0x55, 2, 0, 0)), want: "alignment must not be larger than natural"},
		{name: "lane extract", typ: tRetI32, body: cat(v128c(), simd(0x15, 16)), want: "invalid lane index"},
		{name: "lane replace i64x2", typ: tRetV128, body: cat(v128c(), i64c(0), simd(0x1E, 2)), want: "invalid lane index"},
		{name: "lane shuffle", typ: tRetV128, body: cat(v128c(), v128c(), simd(0x0D, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), want: "invalid lane index"},
		{name: "lane load", typ: tRetV128, body: cat(i32c(0), v128c(), simd(0x54, 0, 0, 16)), want: "invalid lane index"},

		// Malformed code that decode would normally reject first.
		{name: "missing end", typ: tVoid, body: cat(i32c(1), op(0x1A)), noEnd: true, want: "END opcode expected"},
		{name: "trailing code", typ: tVoid, body: op(0x0B, 0x01), want: "operators remaining after end of function"},
		{name: "illegal opcode", typ: tVoid, body: op(0xFF), want: "illegal opcode"},
		{name: "illegal simd opcode", typ: tVoid, body: simd(0xA2), want: "illegal opcode"},
		{name: "else without if", typ: tVoid, body: op(0x02, 0x40, 0x05, 0x0B), want: "else without matching if"},
		{name: "truncated immediate", typ: tRetI32, body: op(0x41, 0x80), noEnd: true, want: "unexpected end"},
		{name: "const too long", typ: tRetI32, body: op(0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), want: "integer representation too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			body := tc.body
			if !tc.noEnd {
				body = append(append([]byte{}, body...), 0x0B)
			}
			addFunc(m, tc.typ, tc.locals, body)
			if tc.tweak != nil {
				tc.tweak(m)
			}
			info, err := Module(m, Options{Parallel: 1})
			checkErr(t, err, tc.want)
			if err == nil && len(info.Funcs) != len(m.Codes) {
				t.Errorf("%d FuncInfos for %d functions", len(info.Funcs), len(m.Codes))
			}
			if tc.want != "" && err != nil {
				var ve *Error
				if !errors.As(err, &ve) {
					t.Fatalf("error %T is not *Error", err)
				}
				if ve.Func != 1 {
					t.Errorf("Func = %d, want 1 (%v)", ve.Func, err)
				}
				if ve.Offset < bodyOffset || ve.Offset > bodyOffset+len(body) {
					t.Errorf("Offset %#x outside the body [%#x, %#x]", ve.Offset, bodyOffset, bodyOffset+len(body))
				}
			}
		})
	}
}

func noMem(m *wasm.Module) {
	m.Mems = nil
	m.Datas = nil
	m.DataCount = 0
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestModuleRules(t *testing.T) {
	i32Const := wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1}
	tests := []struct {
		name  string
		tweak func(m *wasm.Module)
		want  string
	}{
		{name: "base is valid", tweak: func(m *wasm.Module) {}},
		{name: "global from imported immutable global", tweak: func(m *wasm.Module) {
			importGlobal(m, wasm.GlobalType{Type: i32})
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpGlobalGet, Index: 0, NumInstrs: 1}
		}},
		{name: "global ref.func declares", tweak: func(m *wasm.Module) {
			m.Exports = nil
			m.Globals = append(m.Globals, wasm.Global{Type: wasm.GlobalType{Type: fref}, Init: wasm.ConstExpr{Op: wasm.OpRefFunc, Index: 1, NumInstrs: 1}})
			addFunc(m, tRetFunc, nil, op(0xD2, 1, 0x0B))
		}},
		{name: "elem ref.func declares", tweak: func(m *wasm.Module) {
			m.Exports = nil
			m.Elems[0] = wasm.Elem{Mode: wasm.SegmentDeclarative, Type: fref, Init: []wasm.ConstExpr{{Op: wasm.OpRefFunc, Index: 1, NumInstrs: 1}}}
			addFunc(m, tRetFunc, nil, op(0xD2, 1, 0x0B))
		}},
		{name: "active segments", tweak: func(m *wasm.Module) {
			m.Elems = append(m.Elems, wasm.Elem{Mode: wasm.SegmentActive, Table: 1, Offset: i32Const, Type: eref,
				Init: []wasm.ConstExpr{{Op: wasm.OpRefNull, Type: eref, NumInstrs: 1}}})
			m.Datas = append(m.Datas, wasm.Data{Mode: wasm.SegmentActive, Offset: i32Const})
			m.DataCount = 2
		}},
		{name: "start", tweak: func(m *wasm.Module) { m.Start, m.HasStart = 0, true }},

		{name: "constant expression required", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 2, NonConst: true}
		}, want: "constant expression required"},
		{name: "constant expression non-const op", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpNop, NumInstrs: 1}
		}, want: "constant expression required"},
		{name: "constant expression mutable import", tweak: func(m *wasm.Module) {
			importGlobal(m, wasm.GlobalType{Type: i32, Mutable: true})
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpGlobalGet, Index: 0, NumInstrs: 1}
		}, want: "constant expression required"},
		{name: "constant expression defined global", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpGlobalGet, Index: 1, NumInstrs: 1}
		}, want: "unknown global 1"},
		{name: "constant expression type", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpI64Const, NumInstrs: 1}
		}, want: "type mismatch"},
		{name: "constant expression empty", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpEnd}
		}, want: "type mismatch"},
		{name: "constant expression two values", tweak: func(m *wasm.Module) {
			m.Globals[0].Init = wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 2}
		}, want: "type mismatch"},
		{name: "constant expression unknown function", tweak: func(m *wasm.Module) {
			m.Elems[0].Init = []wasm.ConstExpr{{Op: wasm.OpRefFunc, Index: 7, NumInstrs: 1}}
		}, want: "unknown function 7"},
		{name: "elem item type", tweak: func(m *wasm.Module) {
			m.Elems[0].Init = []wasm.ConstExpr{{Op: wasm.OpRefNull, Type: eref, NumInstrs: 1}}
		}, want: "type mismatch"},
		{name: "elem vs table type", tweak: func(m *wasm.Module) {
			m.Elems[0].Mode, m.Elems[0].Table, m.Elems[0].Offset = wasm.SegmentActive, 1, i32Const
		}, want: "type mismatch"},
		{name: "elem unknown table", tweak: func(m *wasm.Module) {
			m.Elems[0].Mode, m.Elems[0].Table, m.Elems[0].Offset = wasm.SegmentActive, 3, i32Const
		}, want: "unknown table 3"},
		{name: "elem offset type", tweak: func(m *wasm.Module) {
			m.Elems[0].Mode, m.Elems[0].Offset = wasm.SegmentActive, wasm.ConstExpr{Op: wasm.OpI64Const, NumInstrs: 1}
		}, want: "type mismatch"},
		{name: "data unknown memory", tweak: func(m *wasm.Module) {
			m.Mems = nil
			m.Datas[0].Mode, m.Datas[0].Offset = wasm.SegmentActive, i32Const
		}, want: "unknown memory 0"},
		{name: "data offset const", tweak: func(m *wasm.Module) {
			m.Datas[0].Mode, m.Datas[0].Offset = wasm.SegmentActive, wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 3, NonConst: true}
		}, want: "constant expression required"},
		{name: "start type", tweak: func(m *wasm.Module) {
			addFunc(m, tRetI32, nil, cat(i32c(0), op(0x0B)))
			m.Start, m.HasStart = 1, true
		}, want: "start function"},
		{name: "start unknown", tweak: func(m *wasm.Module) { m.Start, m.HasStart = 4, true }, want: "unknown function 4"},
		{name: "duplicate export", tweak: func(m *wasm.Module) {
			m.Exports = append(m.Exports, wasm.Export{Name: "f0", Kind: wasm.ExternMemory, Index: 0})
		}, want: "duplicate export name"},
		{name: "export unknown function", tweak: func(m *wasm.Module) {
			m.Exports = append(m.Exports, wasm.Export{Name: "x", Kind: wasm.ExternFunc, Index: 3})
		}, want: "unknown function 3"},
		{name: "export unknown global", tweak: func(m *wasm.Module) {
			m.Exports = append(m.Exports, wasm.Export{Name: "x", Kind: wasm.ExternGlobal, Index: 2})
		}, want: "unknown global 2"},
		{name: "export unknown table", tweak: func(m *wasm.Module) {
			m.Exports = append(m.Exports, wasm.Export{Name: "x", Kind: wasm.ExternTable, Index: 2})
		}, want: "unknown table 2"},
		{name: "export unknown memory", tweak: func(m *wasm.Module) {
			m.Exports = append(m.Exports, wasm.Export{Name: "x", Kind: wasm.ExternMemory, Index: 1})
		}, want: "unknown memory 1"},
		{name: "memory too big", tweak: func(m *wasm.Module) { m.Mems[0].Limits.Min = 65537 },
			want: "memory size must be at most 65536 pages (4GiB)"},
		{name: "memory max too big", tweak: func(m *wasm.Module) { m.Mems[0].Limits = wasm.Limits{Max: 1 << 17, HasMax: true} },
			want: "memory size must be at most 65536 pages (4GiB)"},
		{name: "memory min over max", tweak: func(m *wasm.Module) { m.Mems[0].Limits = wasm.Limits{Min: 2, Max: 1, HasMax: true} },
			want: "size minimum must not be greater than maximum"},
		{name: "table min over max", tweak: func(m *wasm.Module) { m.Tables[0].Limits = wasm.Limits{Min: 0xFFFFFFFF, HasMax: true} },
			want: "size minimum must not be greater than maximum"},
		{name: "multiple memories", tweak: func(m *wasm.Module) { m.Mems = append(m.Mems, wasm.MemType{}) },
			want: "multiple memories"},
		{name: "multiple memories imported", tweak: func(m *wasm.Module) {
			m.Imports = append(m.Imports, wasm.Import{Kind: wasm.ExternMemory})
			m.NumImportedMems++
		}, want: "multiple memories"},
		{name: "function unknown type", tweak: func(m *wasm.Module) { m.Funcs[0] = 99 }, want: "unknown type 99"},
		{name: "import unknown type", tweak: func(m *wasm.Module) {
			m.Imports = append(m.Imports, wasm.Import{Kind: wasm.ExternFunc, Type: 99})
			m.NumImportedFuncs++
		}, want: "unknown type 99"},
		{name: "code count", tweak: func(m *wasm.Module) { m.Codes = nil }, want: "function and code section have inconsistent lengths"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.tweak(m)
			_, err := Module(m, Options{})
			checkErr(t, err, tc.want)
			if err != nil {
				var ve *Error
				if !errors.As(err, &ve) {
					t.Fatalf("error %T is not *Error", err)
				}
			}
		})
	}
}

// importGlobal adds an imported global; it becomes global 0 and shifts
// the defined ones.
func importGlobal(m *wasm.Module, gt wasm.GlobalType) {
	m.Imports = append(m.Imports, wasm.Import{Module: "m", Name: "g", Kind: wasm.ExternGlobal, Global: gt})
	m.NumImportedGlobals++
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Offset: 0x1a3, Func: 12, FuncName: "main", Msg: "type mismatch"}, "0x1a3: func 12 (main): type mismatch"},
		{Error{Offset: 0x1a3, Func: 12, Msg: "type mismatch"}, "0x1a3: func 12: type mismatch"},
		{Error{Offset: -1, Func: -1, Msg: "multiple memories"}, "multiple memories"},
		{Error{Offset: 7, Func: -1, Msg: "unknown global 0"}, "0x7: unknown global 0"},
	}
	for _, tc := range tests {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorCarriesFuncName(t *testing.T) {
	m := base()
	addFunc(m, tVoid, nil, cat(i32c(1), op(0x0B)))
	m.Exports = append(m.Exports, wasm.Export{Name: "bad", Kind: wasm.ExternFunc, Index: 1})
	_, err := Module(m, Options{})
	var ve *Error
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want *Error", err)
	}
	if ve.Func != 1 || ve.FuncName != "bad" || ve.Offset != bodyOffset+2 {
		t.Errorf("got %+v, want func 1 (bad) at %#x", *ve, bodyOffset+2)
	}
}

func TestFuncInfo(t *testing.T) {
	m := base()
	// block (loop (i32.const 0 i32.const 1 i32.add i32.load drop call 0 br 0)) memory.grow
	body := cat(op(0x02, 0x40, 0x03, 0x40), i32c(0), i32c(1), op(0x6A, 0x28, 2, 0, 0x1A, 0x10, 0, 0x0C, 0, 0x0B, 0x0B),
		i32c(1), op(0x40, 0, 0x1A, 0x0B))
	addFunc(m, tVoid, []wasm.LocalEntry{{Count: 3, Type: v128}}, body)
	info, err := Module(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := info.Funcs[1]
	want := FuncInfo{MaxStack: 2, MaxDepth: 3, NumInstrs: 15, NumLocals: 3,
		UsesMemory: true, GrowsMemory: true, HasCalls: true, HasLoops: true, UsesSIMD: true}
	if got != want {
		t.Errorf("FuncInfo = %+v\nwant       %+v", got, want)
	}
	if info.Funcs[0] != (FuncInfo{MaxDepth: 1, NumInstrs: 1}) {
		t.Errorf("empty function: %+v", info.Funcs[0])
	}
}

// TestManyLocals checks the binary-search path for huge local counts.
func TestManyLocals(t *testing.T) {
	m := base()
	locals := []wasm.LocalEntry{{Count: 1 << 20, Type: i32}, {Count: 1 << 20, Type: i64}, {Count: 5, Type: f32}}
	idx := func(v uint64) []byte { return uleb(v) }
	body := cat(op(0x20), idx(1<<20-1), op(0x1A, 0x20), idx(1<<20), op(0x1A, 0x20), idx(2<<20+4), op(0x1A))
	addFunc(m, tI32I32, locals, cat(body, op(0x20), idx(1<<20+1), op(0x0B)))
	_, err := Module(m, Options{})
	checkErr(t, err, "type mismatch") // local 1<<20+1 is an i64, the result an i32
	m.Codes[1].Body = cat(body, op(0x20), idx(2<<20+6), op(0x0B))
	_, err = Module(m, Options{})
	checkErr(t, err, "unknown local")
	m.Codes[1].Body = cat(body, op(0x20, 0, 0x0B))
	_, err = Module(m, Options{})
	checkErr(t, err, "")
}

// TestParallelDeterministic checks that with many workers the reported
// error is the lowest-index invalid function's, and that valid modules give
// the same Info whatever the parallelism.
func TestParallelDeterministic(t *testing.T) {
	mk := func(bad ...int) *wasm.Module {
		m := base()
		good := cat(op(0x02, 0x40), i32c(0), i32c(1), op(0x6A, 0x1A, 0x0B))
		for len(good) < 1000 {
			good = cat(good, i32c(0), i32c(1), op(0x6A, 0x1A))
		}
		good = append(good, 0x0B)
		for i := 0; i < 600; i++ { // 600 KB of code: above the sequential threshold
			addFunc(m, tVoid, nil, good)
		}
		for _, b := range bad {
			addFunc(m, tVoid, nil, nil)
			m.Codes[b] = m.Codes[len(m.Codes)-1]
			m.Codes[b].Body = cat(i64c(1), op(0x0B))
			m.Codes = m.Codes[:len(m.Codes)-1]
			m.Funcs = m.Funcs[:len(m.Funcs)-1]
		}
		return m
	}
	for _, par := range []int{1, 2, 4, 16} {
		_, err := Module(mk(590, 123, 400), Options{Parallel: par})
		var ve *Error
		if !errors.As(err, &ve) || ve.Func != 123 {
			t.Errorf("Parallel %d: got %v, want the error of func 123", par, err)
		}
	}
	seq, err := Module(mk(), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	par, err := Module(mk(), Options{Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range seq.Funcs {
		if seq.Funcs[i] != par.Funcs[i] {
			t.Fatalf("func %d: sequential %+v, parallel %+v", i, seq.Funcs[i], par.Funcs[i])
		}
	}
}
