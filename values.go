package lucet

import (
	"fmt"
	"math"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// ValueType is a WebAssembly value type.
type ValueType = wasm.ValType

// The value types a function's parameters and results can have. Go values
// cross as int32 or uint32 (i32), int64 or uint64 (i64), float32 (f32) and
// float64 (f64).
const (
	ValueTypeI32 = wasm.I32
	ValueTypeI64 = wasm.I64
	ValueTypeF32 = wasm.F32
	ValueTypeF64 = wasm.F64
)

// encode converts a Go argument to the 64-bit slot of wasm type t.
func encode(v any, t ValueType) (uint64, error) {
	switch t {
	case wasm.I32:
		switch x := v.(type) {
		case int32:
			return uint64(uint32(x)), nil
		case uint32:
			return uint64(x), nil
		case int:
			if x >= math.MinInt32 && x <= math.MaxUint32 {
				return uint64(uint32(x)), nil
			}
			return 0, fmt.Errorf("%d does not fit in i32", x)
		}
	case wasm.I64:
		switch x := v.(type) {
		case int64:
			return uint64(x), nil
		case uint64:
			return x, nil
		case int:
			return uint64(x), nil
		case int32:
			return uint64(int64(x)), nil
		case uint32:
			return uint64(x), nil
		}
	case wasm.F32:
		if x, ok := v.(float32); ok {
			return uint64(math.Float32bits(x)), nil
		}
	case wasm.F64:
		switch x := v.(type) {
		case float64:
			return math.Float64bits(x), nil
		case float32:
			return math.Float64bits(float64(x)), nil
		}
	default:
		return 0, fmt.Errorf("parameters of type %s cannot be passed from Go", t)
	}
	return 0, fmt.Errorf("%T, want %s (%s)", v, t, goTypes(t))
}

func goTypes(t ValueType) string {
	switch t {
	case wasm.I32:
		return "int32 or uint32"
	case wasm.I64:
		return "int64 or uint64"
	case wasm.F32:
		return "float32"
	case wasm.F64:
		return "float64"
	}
	return "no Go type"
}

// decode converts a result slot of wasm type t to its Go value: int32,
// int64, float32, float64; references as uint64.
func decode(v uint64, t ValueType) any {
	switch t {
	case wasm.I32:
		return int32(uint32(v))
	case wasm.I64:
		return int64(v)
	case wasm.F32:
		return math.Float32frombits(uint32(v))
	case wasm.F64:
		return math.Float64frombits(v)
	}
	return v
}
