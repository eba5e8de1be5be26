// Package spectest reads the WebAssembly spec testsuite as converted by
// wabt's wast2json, for the test harnesses of the other stages.
//
// In: a directory of core/<name>/<name>.json scripts and the .wasm/.wat
// files they name (see Locate). Out: Script, a typed list of commands whose
// argument and expected values are parsed into Value (bit patterns, NaN
// classes, v128 lanes, references). This package only reads; the tests in
// it decode and validate every module, and the execution runner builds on
// the same types to run them.
package spectest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Script is one converted .wast file.
type Script struct {
	SourceFilename string    `json:"source_filename"`
	Commands       []Command `json:"commands"`
	// Path is the .json file it was loaded from; module files are
	// relative to its directory.
	Path string `json:"-"`
}

// Command types, as wast2json names them.
const (
	CmdModule               = "module"
	CmdRegister             = "register"
	CmdAction               = "action"
	CmdAssertReturn         = "assert_return"
	CmdAssertTrap           = "assert_trap"
	CmdAssertExhaustion     = "assert_exhaustion"
	CmdAssertInvalid        = "assert_invalid"
	CmdAssertMalformed      = "assert_malformed"
	CmdAssertUnlinkable     = "assert_unlinkable"
	CmdAssertUninstantiable = "assert_uninstantiable"
)

// Command is one command of a script. Which fields are set depends on Type:
//
//	module                         Filename, Name (optional "$M")
//	register                       As, Name (optional: else the last module)
//	action                         Action, Expected (result types only)
//	assert_return                  Action, Expected
//	assert_trap, assert_exhaustion Action, Text, Expected (result types only)
//	assert_invalid, assert_malformed,
//	assert_unlinkable, assert_uninstantiable
//	                               Filename, Text, ModuleType ("binary" or "text")
type Command struct {
	Type       string  `json:"type"`
	Line       int     `json:"line"`
	Filename   string  `json:"filename,omitempty"`
	Name       string  `json:"name,omitempty"`
	As         string  `json:"as,omitempty"`
	Text       string  `json:"text,omitempty"`
	ModuleType string  `json:"module_type,omitempty"`
	Action     *Action `json:"action,omitempty"`
	Expected   []Value `json:"expected,omitempty"`
}

// Action is an invocation of an export or a read of an exported global.
type Action struct {
	Type   string  `json:"type"` // "invoke" or "get"
	Module string  `json:"module,omitempty"`
	Field  string  `json:"field"`
	Args   []Value `json:"args,omitempty"`
}

// Load reads a wast2json script.
func Load(jsonPath string) (*Script, error) {
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return nil, fmt.Errorf("spectest: %w", err)
	}
	var s Script
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("spectest: %s: %w", jsonPath, err)
	}
	s.Path = jsonPath
	return &s, nil
}

// ModulePath is the path of the module file a command names.
func (s *Script) ModulePath(c *Command) string {
	return filepath.Join(filepath.Dir(s.Path), c.Filename)
}

// Name is the script's base name ("i32" for core/i32/i32.json).
func (s *Script) Name() string {
	return strings.TrimSuffix(filepath.Base(s.Path), ".json")
}

// NaN says what a float result must be when it is not an exact value.
type NaN uint8

const (
	NaNNone       NaN = iota // an exact bit pattern
	NaNCanonical             // "nan:canonical": the canonical NaN, either sign
	NaNArithmetic            // "nan:arithmetic": any NaN with the quiet bit set
)

// Value is an argument or expected result.
type Value struct {
	// Type is "i32", "i64", "f32", "f64", "v128", "funcref" or "externref".
	Type string
	// Bits is the value of i32 and i64 (zero-extended), the bit pattern of
	// f32 and f64, and the host value of a non-null externref or funcref.
	Bits uint64
	// NaN is set instead of Bits for a float that must be a NaN of a class.
	NaN NaN
	// LaneType ("i8", "i16", "i32", "i64", "f32", "f64") and V128 (lanes
	// little-endian, as in memory) for v128. LaneNaN is per lane, for
	// float lanes that must be NaNs (f32: 4 lanes, f64: 2).
	LaneType string
	V128     [16]byte
	LaneNaN  [4]NaN
	// Null is a null reference.
	Null bool
	// Any is set when no value was given: the result types of action,
	// assert_trap and assert_exhaustion, or a reference of any value.
	Any bool
}

type rawValue struct {
	Type     string          `json:"type"`
	LaneType string          `json:"lane_type,omitempty"`
	Value    json.RawMessage `json:"value,omitempty"`
}

// UnmarshalJSON parses one wast2json value.
func (v *Value) UnmarshalJSON(b []byte) error {
	var r rawValue
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	*v = Value{Type: r.Type, LaneType: r.LaneType}
	if len(r.Value) == 0 || string(r.Value) == "null" {
		v.Any = true
		return nil
	}
	if v.Type == "v128" {
		var lanes []string
		if err := json.Unmarshal(r.Value, &lanes); err != nil {
			return fmt.Errorf("v128 value: %w", err)
		}
		return v.parseLanes(lanes)
	}
	var s string
	if err := json.Unmarshal(r.Value, &s); err != nil {
		return fmt.Errorf("%s value: %w", v.Type, err)
	}
	switch v.Type {
	case "i32", "i64", "f32", "f64":
		bits, nan, err := parseScalar(v.Type, s)
		if err != nil {
			return err
		}
		v.Bits, v.NaN = bits, nan
	case "funcref", "externref":
		if s == "null" {
			v.Null = true
			return nil
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%s value %q: %w", v.Type, s, err)
		}
		v.Bits = n
	default:
		return fmt.Errorf("unknown value type %q", v.Type)
	}
	return nil
}

func parseScalar(typ, s string) (uint64, NaN, error) {
	switch s {
	case "nan:canonical":
		return 0, NaNCanonical, nil
	case "nan:arithmetic":
		return 0, NaNArithmetic, nil
	}
	size := 64
	switch typ {
	case "i8":
		size = 8
	case "i16":
		size = 16
	case "i32", "f32":
		size = 32
	}
	n, err := strconv.ParseUint(s, 10, size)
	if err != nil {
		// wast2json writes unsigned decimals; accept a signed one too.
		i, err2 := strconv.ParseInt(s, 10, size)
		if err2 != nil {
			return 0, 0, fmt.Errorf("%s value %q: %w", typ, s, err)
		}
		n = uint64(i) & (1<<size - 1)
		if size == 64 {
			n = uint64(i)
		}
	}
	return n, NaNNone, nil
}

func (v *Value) parseLanes(lanes []string) error {
	size := 0
	switch v.LaneType {
	case "i8":
		size = 1
	case "i16":
		size = 2
	case "i32", "f32":
		size = 4
	case "i64", "f64":
		size = 8
	default:
		return fmt.Errorf("unknown v128 lane type %q", v.LaneType)
	}
	if len(lanes)*size != 16 {
		return fmt.Errorf("v128 %s: %d lanes", v.LaneType, len(lanes))
	}
	for i, l := range lanes {
		bits, nan, err := parseScalar(v.LaneType, l)
		if err != nil {
			return err
		}
		if nan != NaNNone {
			if v.LaneType != "f32" && v.LaneType != "f64" {
				return fmt.Errorf("v128 %s lane: %q", v.LaneType, l)
			}
			v.LaneNaN[i] = nan
		}
		for j := 0; j < size; j++ {
			v.V128[i*size+j] = byte(bits >> (8 * j))
		}
	}
	return nil
}

// Lane returns lane i of a v128 value as an integer of the lane size.
func (v *Value) Lane(i int) uint64 {
	size := map[string]int{"i8": 1, "i16": 2, "i32": 4, "f32": 4, "i64": 8, "f64": 8}[v.LaneType]
	var x uint64
	for j := size - 1; j >= 0; j-- {
		x = x<<8 | uint64(v.V128[i*size+j])
	}
	return x
}

func (v Value) String() string {
	switch {
	case v.Any:
		return v.Type
	case v.Null:
		return v.Type + ":null"
	case v.NaN == NaNCanonical:
		return v.Type + ":nan:canonical"
	case v.NaN == NaNArithmetic:
		return v.Type + ":nan:arithmetic"
	case v.Type == "v128":
		return fmt.Sprintf("v128:%s:%x", v.LaneType, v.V128)
	}
	return fmt.Sprintf("%s:%#x", v.Type, v.Bits)
}
