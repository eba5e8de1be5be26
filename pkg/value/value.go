// Package value is the text form of WebAssembly values that the tools read
// and print: lucet-run --invoke's arguments and results.
//
// In: a string and the type it must have (Parse), or a value's bits and
// type (Format). Out: the value's raw bits as the runtime passes them
// (i32 in the low 32 bits, floats as their bit patterns, references as
// opaque host values with 0 for null), or the text.
//
// The format follows wasmtime --invoke: integers in any Go base prefix,
// printed signed; floats in shortest decimal, or 0x... for an exact bit
// pattern (NaN payloads and -0 survive); TYPE:VALUE to be explicit
// (i32:-1, f32:0x7fc00001, externref:7, externref:null, funcref:null).
package value

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Parse reads one value of type t: a plain literal, or TYPE:VALUE.
func Parse(s string, t wasm.ValType) (uint64, error) {
	if typ, val, ok := strings.Cut(s, ":"); ok {
		if typ != t.String() {
			return 0, fmt.Errorf("%q is typed %s, the parameter is %s", s, typ, t)
		}
		s = val
	}
	switch t {
	case wasm.I32:
		if v, err := strconv.ParseInt(s, 0, 32); err == nil {
			return uint64(uint32(v)), nil
		}
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i32", s)
		}
		return v, nil
	case wasm.I64:
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			return uint64(v), nil
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i64", s)
		}
		return v, nil
	case wasm.F32, wasm.F64:
		bits := 32
		if t == wasm.F64 {
			bits = 64
		}
		if isBitPattern(s) {
			v, err := strconv.ParseUint(s[2:], 16, bits)
			if err != nil {
				return 0, fmt.Errorf("%q is not a %d-bit pattern", s, bits)
			}
			return v, nil
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return 0, fmt.Errorf("%q is not an %s", s, t)
		}
		if t == wasm.F32 {
			return uint64(math.Float32bits(float32(f))), nil
		}
		return math.Float64bits(f), nil
	case wasm.ExternRef, wasm.FuncRef:
		if s == "null" {
			return 0, nil
		}
		if t == wasm.FuncRef {
			return 0, errors.New("only funcref:null can be passed")
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil || v == math.MaxUint64 {
			return 0, fmt.Errorf("%q is not an externref (a number or null)", s)
		}
		return v + 1, nil // 0 is null
	}
	return 0, fmt.Errorf("values of type %s are not supported", t)
}

// IsLiteral reports whether s reads as a number (a plain or hex integer or
// float, signed or not). A command line uses it to tell "-1" from a flag.
func IsLiteral(s string) bool {
	u := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	_, err := strconv.ParseFloat(u, 64)
	return err == nil || strings.HasPrefix(u, "0x")
}

func isBitPattern(s string) bool {
	return (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) && !strings.ContainsAny(s, ".pP")
}

// Format prints v of type t the way wasmtime --invoke does: integers
// signed, floats in shortest decimal, references by their host value.
func Format(v uint64, t wasm.ValType) string {
	switch t {
	case wasm.I32:
		return strconv.FormatInt(int64(int32(v)), 10)
	case wasm.I64:
		return strconv.FormatInt(int64(v), 10)
	case wasm.F32:
		return formatFloat(float64(math.Float32frombits(uint32(v))), 32)
	case wasm.F64:
		return formatFloat(math.Float64frombits(v), 64)
	case wasm.ExternRef:
		if v == 0 {
			return "externref:null"
		}
		return "externref:" + strconv.FormatUint(v-1, 10)
	case wasm.FuncRef:
		if v == 0 {
			return "funcref:null"
		}
		return "funcref"
	}
	return fmt.Sprintf("%#x", v)
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
