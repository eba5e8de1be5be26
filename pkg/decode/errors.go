package decode

import (
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Error is a decoding failure: where it happened and why.
type Error struct {
	// Offset is the byte offset in the module of the fault.
	Offset int
	// Section is the section being read ("type", "code", ...), or "" for
	// the header and the section framing.
	Section string
	// Func is the function index (in the function index space, imports
	// first) whose body was being read, or -1.
	Func int
	Err  error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("0x%x: ", e.Offset)
	if e.Section != "" {
		s += e.Section + " section: "
	}
	if e.Func >= 0 {
		s += fmt.Sprintf("func %d: ", e.Func)
	}
	return s + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// The spec testsuite's words for malformed modules. Errors returned by
// Decode wrap one of these (or one of wasm's: wasm.ErrIntTooLong,
// wasm.ErrIntTooLarge, wasm.ErrIllegalOpcode, wasm.ErrZeroByte,
// wasm.ErrMalformedRef) so callers can test with errors.Is.
var (
	ErrMagic             = errors.New("magic header not detected")
	ErrVersion           = errors.New("unknown binary version")
	ErrSectionSize       = errors.New("section size mismatch")
	ErrSectionID         = errors.New("malformed section id")
	ErrLength            = errors.New("length out of bounds")
	ErrUTF8              = errors.New("malformed UTF-8 encoding")
	ErrFuncCode          = errors.New("function and code section have inconsistent lengths")
	ErrDataCount         = errors.New("data count and data section have inconsistent lengths")
	ErrDataCountRequired = errors.New("data count section required")
	ErrMutability        = errors.New("malformed mutability")
	ErrImportKind        = errors.New("malformed import kind")
	ErrExportKind        = errors.New("malformed export kind")
	ErrEndExpected       = errors.New("END opcode expected")
	ErrAfterLast         = errors.New("unexpected content after last section")
	ErrFuncType          = errors.New("malformed function type")
	ErrValType           = errors.New("malformed value type")
	ErrElemKind          = errors.New("malformed element kind")
	ErrElemSegKind       = errors.New("malformed elements segment kind")
	ErrDataSegKind       = errors.New("malformed data segment kind")
	ErrTooManyLocals     = errors.New("too many locals")
	// ErrLimit is wrapped by every LimitError.
	ErrLimit = errors.New("implementation limit exceeded")
)

// ErrEOS is running out of bytes. Its message is the spec interpreter's
// ("unexpected end of section or function"); errors.Is(ErrEOS,
// wasm.ErrUnexpectedEnd) holds, so one test covers both wordings.
var ErrEOS error = eosError{}

type eosError struct{}

func (eosError) Error() string        { return "unexpected end of section or function" }
func (eosError) Is(target error) bool { return target == wasm.ErrUnexpectedEnd }

// ErrLimitsFlags wraps wasm.ErrIntTooLarge. It is a type rather than
// fmt.Errorf's result so that the variable needs no initialisation code.
var ErrLimitsFlags error = limitsFlagsError{}

type limitsFlagsError struct{}

func (limitsFlagsError) Error() string {
	return "malformed limits flags: " + wasm.ErrIntTooLarge.Error()
}
func (limitsFlagsError) Unwrap() error { return wasm.ErrIntTooLarge }

// LimitError is a module that is well-formed but larger than Limits allow.
type LimitError struct {
	What  string // "types", "locals", "function body size", ...
	Value uint64
	Limit uint64
}

func (e *LimitError) Error() string {
	if e.What == "locals" {
		// The spec's word for the same fault, so its tests match.
		return fmt.Sprintf("too many locals: %d exceeds limit %d", e.Value, e.Limit)
	}
	return fmt.Sprintf("%s: %d exceeds limit %d", e.What, e.Value, e.Limit)
}

func (e *LimitError) Unwrap() []error {
	if e.What == "locals" {
		return []error{ErrLimit, ErrTooManyLocals}
	}
	return []error{ErrLimit}
}
