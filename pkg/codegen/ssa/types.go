package ssa

import (
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// ErrUnsupported marks valid modules that use a feature the code generator
// does not implement.
var ErrUnsupported = errors.New("unsupported feature")

// ErrTooCostly marks a function whose SSA form would grow past the budget
// its body size allows (the frontend's values; regalloc.ErrTooCostly is
// the allocator's): the caller compiles it another way (codegen: the
// baseline, linear in the body's size).
var ErrTooCostly = errors.New("the function's SSA form passes the compiler's budget for its size")

// ValType is the SSA type that holds a wasm value type (references are
// 64-bit handles).
func ValType(t wasm.ValType) (Type, error) {
	switch t {
	case wasm.I32:
		return TI32, nil
	case wasm.I64, wasm.FuncRef, wasm.ExternRef:
		return TI64, nil
	case wasm.F32:
		return TF32, nil
	case wasm.F64:
		return TF64, nil
	case wasm.V128:
		return TV128, nil
	}
	return TNone, fmt.Errorf("%w: value type %s", ErrUnsupported, t)
}

// OneType returns the list of t alone, shared and read-only (capped: an
// append copies): most block and signature types have one value, and
// those then take no allocation.
func OneType(t Type) []Type { return oneType[t : t+1 : t+1] }

// oneType holds each Type once (an array literal: no package
// initialisation).
var oneType = [...]Type{TNone, TI32, TI64, TF32, TF64, TV128}

// ValTypes maps ValType over ts.
func ValTypes(ts []wasm.ValType) ([]Type, error) {
	out := make([]Type, len(ts))
	for i, t := range ts {
		var err error
		if out[i], err = ValType(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Signature maps ValType over ft's parameters and results.
func Signature(ft wasm.FuncType) (params, results []Type, err error) {
	if params, err = ValTypes(ft.Params); err != nil {
		return nil, nil, err
	}
	if results, err = ValTypes(ft.Results); err != nil {
		return nil, nil, err
	}
	return params, results, nil
}

// BlockTypes returns the parameter and result types of a block of type bt
// in m (a one-value result list is OneType's, shared).
func BlockTypes(m *wasm.Module, bt wasm.BlockType) (params, results []Type, err error) {
	switch bt.Kind {
	case wasm.BlockEmpty:
		return nil, nil, nil
	case wasm.BlockValue:
		t, err := ValType(bt.Value)
		if err != nil {
			return nil, nil, err
		}
		return nil, OneType(t), nil
	}
	return Signature(m.Types[bt.Index])
}

// BuiltinImms is the number of immediate slots each builtin takes before
// its stack arguments.
func BuiltinImms(bi abi.Builtin) int {
	switch bi {
	case abi.BuiltinTableCopy, abi.BuiltinTableInit:
		return 2
	case abi.BuiltinMemoryInit, abi.BuiltinDataDrop, abi.BuiltinTableGrow, abi.BuiltinTableFill,
		abi.BuiltinElemDrop, abi.BuiltinTableGet, abi.BuiltinTableSet:
		return 1
	}
	return 0
}

// B2i is 1 for true and 0 for false, in whatever integer type the caller
// needs (an index, a constant's Aux).
func B2i[T int | int64](b bool) T {
	if b {
		return 1
	}
	return 0
}

// ScalarAccess is wasm.ScalarAccess in SSA terms: the bytes a scalar load
// or store accesses, the SSA type of its value, and whether it stores.
// size is 0 for any other opcode.
func ScalarAccess(op wasm.Opcode) (size int, t Type, store bool) {
	a, ok := wasm.ScalarAccess(op)
	if !ok {
		return 0, TNone, false
	}
	t, _ = ValType(a.Type) // scalar accesses have number types only
	return int(a.Size), t, a.Store
}
