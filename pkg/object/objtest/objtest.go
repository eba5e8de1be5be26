// Package objtest builds small hand-made objects for the tests of the
// packages that write, read and print objects (link, load, disasm,
// lucet-objdump), so they do not depend on the compiler.
package objtest

import (
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Code of Small, laid out by hand. Offsets are what Meta records.
var smallText = []byte{
	// 0x00 lucet_entry_0: call r12; ret; int3 padding
	0x41, 0xff, 0xd4, 0xc3, 0xcc, 0xcc, 0xcc, 0xcc,
	// 0x08 lucet_hostcall_0: ret
	0xc3, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	// 0x10 func 1 "add": push rbp; mov rbp,rsp; lea eax,[rdi+rsi]; pop rbp; ret
	0x55, 0x48, 0x89, 0xe5, 0x8d, 0x04, 0x37, 0x5d, 0xc3,
	0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	// 0x20 func 2 "trap": push rbp; mov rbp,rsp; ud2; pop rbp; ret
	0x55, 0x48, 0x89, 0xe5, 0x0f, 0x0b, 0x5d, 0xc3,
	// 0x28 func 3 (unnamed): push rbp; mov rbp,rsp; mov eax,[r14+rdi*1]; call 0x10; pop rbp; ret
	0x55, 0x48, 0x89, 0xe5, 0x41, 0x8b, 0x04, 0x3e, 0xe8, 0xdb, 0xff, 0xff, 0xff, 0x5d, 0xc3,
	// 0x37 lucet_trap (a label): ud2
	0x0f, 0x0b,
}

// Small returns a fresh object with one imported function, three defined
// functions (two exported), a memory with two active data segments, a
// table, an element segment, globals, an entry stub, a host-call stub and
// trap sites and a label. Every call returns new slices, so callers may modify it.
func Small() *object.Object {
	i32 := wasm.I32
	text := append([]byte(nil), smallText...)
	return &object.Object{
		Text: text,
		Meta: object.Meta{
			FormatVersion: object.FormatVersion,
			ABIVersion:    abi.Version,
			Features:      0,
			Bounds:        object.BoundsGuard,
			MemReserve:    4 << 30,
			MemGuard:      2 << 30,
			ModuleName:    "small",
			Types: []wasm.FuncType{
				{Params: []wasm.ValType{i32, i32}, Results: []wasm.ValType{i32}},
				{},
				{Params: []wasm.ValType{i32}, Results: []wasm.ValType{i32}},
			},
			Imports: []wasm.Import{
				{Module: "env", Name: "log", Kind: wasm.ExternFunc, Type: 2},
			},
			Funcs: []object.Func{
				{TypeIndex: 0, Name: "add", CodeOffset: 0x10, CodeSize: 9},
				{TypeIndex: 1, Name: "trap", CodeOffset: 0x20, CodeSize: 8},
				{TypeIndex: 2, Name: "", CodeOffset: 0x28, CodeSize: 15},
			},
			Tables: []wasm.TableType{{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2, Max: 10, HasMax: true}}},
			Mems:   []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}}},
			Globals: []wasm.Global{
				{Type: wasm.GlobalType{Type: i32, Mutable: true}, Init: wasm.ConstExpr{Op: wasm.OpI32Const, Value: 42, NumInstrs: 1, Code: []byte{0x41, 0x2a, 0x0b}}},
				{Type: wasm.GlobalType{Type: wasm.F64}, Init: wasm.ConstExpr{Op: wasm.OpF64Const, Value: 0x3ff0000000000000, NumInstrs: 1}},
			},
			Exports: []wasm.Export{
				{Name: "add", Kind: wasm.ExternFunc, Index: 1},
				{Name: "trap", Kind: wasm.ExternFunc, Index: 2},
				{Name: "memory", Kind: wasm.ExternMemory, Index: 0},
				{Name: "counter", Kind: wasm.ExternGlobal, Index: 0},
			},
			Start: -1,
			Elems: []wasm.Elem{{
				Mode:   wasm.SegmentActive,
				Table:  0,
				Offset: wasm.ConstExpr{Op: wasm.OpI32Const, Value: 0, NumInstrs: 1},
				Type:   wasm.FuncRef,
				Init: []wasm.ConstExpr{
					{Op: wasm.OpRefFunc, Index: 1, NumInstrs: 1},
					{Op: wasm.OpRefFunc, Index: 3, NumInstrs: 1},
				},
			}},
			Datas: []object.Data{
				{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: 16}, Init: []byte("hello, world\n")},
				{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpI32Const, Value: 8190}, Init: []byte{1, 2, 3, 4}},
				{Mode: wasm.SegmentPassive, Init: []byte("passive")},
			},
			EntryStubs:  []uint32{0x00, object.NoStub, object.NoStub},
			ImportStubs: []uint32{0x08},
			Sites: []object.Site{
				{CodeOffset: 0x24, Code: abi.TrapUnreachable, Func: 2, WasmOffset: 0x5a},
				{CodeOffset: 0x2c, Code: abi.TrapMemoryOutOfBounds, Func: 3, WasmOffset: 0x63},
				{CodeOffset: 0x35, Code: abi.SiteCall, Func: 3, WasmOffset: 0x66},
			},
			Labels: []object.Label{{Name: "lucet_trap", Offset: 0x37, Size: 2}},
		},
	}
}
