package decode

import (
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// ErrUnsupportedProposal is wrapped by every UnsupportedError.
var ErrUnsupportedProposal = errors.New("unsupported proposal")

// UnsupportedError is a module using a post-2.0 proposal lucet does not
// implement, found by the encoding it uses: a user learns which feature
// to turn off in their toolchain instead of reading an opcode number.
type UnsupportedError struct {
	Proposal string // "threads", "tail call", ...
	What     string // the instruction or construct, "i32.atomic.load"
	Offset   int    // module offset of the instruction
	Err      error  // the spec's words for the bytes (illegal opcode, ...)
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("module uses the %s proposal (%s at 0x%x), which is not supported (%v)",
		e.Proposal, e.What, e.Offset, e.Err)
}

func (e *UnsupportedError) Unwrap() []error { return []error{ErrUnsupportedProposal, e.Err} }

// proposalOps names the one-byte opcodes of proposals lucet does not
// implement. A slice literal, not a map, so that the linker lays it out.
var proposalOps = []struct {
	op             byte
	proposal, what string
}{
	{0x06, "exception handling", "try"},
	{0x07, "exception handling", "catch"},
	{0x08, "exception handling", "throw"},
	{0x09, "exception handling", "rethrow"},
	{0x0A, "exception handling", "throw_ref"},
	{0x18, "exception handling", "delegate"},
	{0x19, "exception handling", "catch_all"},
	{0x1F, "exception handling", "try_table"},
	{0x12, "tail call", "return_call"},
	{0x13, "tail call", "return_call_indirect"},
	{0x14, "typed function references", "call_ref"},
	{0x15, "tail call", "return_call_ref"},
	{0xD3, "typed function references", "ref.as_non_null"},
	{0xD4, "typed function references", "br_on_null"},
	{0xD5, "GC", "ref.eq"},
	{0xD6, "typed function references", "br_on_non_null"},
}

// atomicName is the text name of threads opcode 0xFE sub.
func atomicName(sub uint32) string {
	switch sub {
	case 0x00:
		return "memory.atomic.notify"
	case 0x01:
		return "memory.atomic.wait32"
	case 0x02:
		return "memory.atomic.wait64"
	case 0x03:
		return "atomic.fence"
	}
	plain := [...]string{"i32.atomic.load", "i64.atomic.load", "i32.atomic.load8_u", "i32.atomic.load16_u",
		"i64.atomic.load8_u", "i64.atomic.load16_u", "i64.atomic.load32_u", "i32.atomic.store",
		"i64.atomic.store", "i32.atomic.store8", "i32.atomic.store16", "i64.atomic.store8",
		"i64.atomic.store16", "i64.atomic.store32"}
	if sub >= 0x10 && sub < 0x10+uint32(len(plain)) {
		return plain[sub-0x10]
	}
	rmw := [...]string{"add", "sub", "and", "or", "xor", "xchg", "cmpxchg"}
	shapes := [...]string{"i32.atomic.rmw.%s", "i64.atomic.rmw.%s", "i32.atomic.rmw8.%s_u", "i32.atomic.rmw16.%s_u",
		"i64.atomic.rmw8.%s_u", "i64.atomic.rmw16.%s_u", "i64.atomic.rmw32.%s_u"}
	if sub >= 0x1E && sub < 0x1E+uint32(len(rmw)*len(shapes)) {
		k := sub - 0x1E
		return fmt.Sprintf(shapes[k%7], rmw[k/7])
	}
	return fmt.Sprintf("atomic opcode 0xfe %d", sub)
}

// unsupportedOp classifies an instruction at pos that failed to read with
// err, returning an *UnsupportedError when its bytes belong to a known
// proposal, or err unchanged. SIMD (0xFD) is not classified here.
func unsupportedOp(b []byte, pos int, err error) error {
	if pos >= len(b) {
		return err
	}
	c := b[pos]
	switch {
	case c == 0xFE && errors.Is(err, wasm.ErrIllegalOpcode):
		what := "an atomic instruction"
		if sub, _, e := wasm.ReadU32(b[pos+1:]); e == nil {
			what = atomicName(sub)
		}
		return &UnsupportedError{"threads", what, pos, err}
	case c == 0xFB && errors.Is(err, wasm.ErrIllegalOpcode):
		what := "a GC instruction"
		if sub, _, e := wasm.ReadU32(b[pos+1:]); e == nil {
			what = fmt.Sprintf("opcode 0xfb %d", sub)
		}
		return &UnsupportedError{"GC", what, pos, err}
	case errors.Is(err, wasm.ErrIllegalOpcode):
		for _, p := range proposalOps {
			if p.op == c {
				return &UnsupportedError{p.proposal, p.what, pos, err}
			}
		}
	case errors.Is(err, wasm.ErrZeroByte):
		// A memory index where 2.0 has a reserved zero byte.
		switch c {
		case byte(wasm.OpMemorySize):
			return &UnsupportedError{"multi-memory", "memory.size of another memory", pos, err}
		case byte(wasm.OpMemoryGrow):
			return &UnsupportedError{"multi-memory", "memory.grow of another memory", pos, err}
		case wasm.PrefixFC:
			return &UnsupportedError{"multi-memory", "a bulk memory instruction on another memory", pos, err}
		}
	}
	return err
}

// limitsProposal names the proposal behind limits flags 2.0 does not
// have: bit 1 a shared memory (threads), bit 2 a 64-bit index (memory64).
func limitsProposal(flags byte, pos int, err error) error {
	switch {
	case flags&^7 != 0:
		return err
	case flags&4 != 0:
		return &UnsupportedError{"memory64", "64-bit limits", pos, err}
	case flags&2 != 0:
		return &UnsupportedError{"threads", "shared memory", pos, err}
	}
	return err
}
