package wasm

import (
	"errors"
	"fmt"
	"math"
)

// The spec testsuite's words for malformed encodings; decode and validate
// wrap these so tests can match on them.
var (
	ErrUnexpectedEnd = errors.New("unexpected end")
	ErrIntTooLong    = errors.New("integer representation too long")
	ErrIntTooLarge   = errors.New("integer too large")
	ErrIllegalOpcode = errors.New("illegal opcode")
	ErrZeroByte      = errors.New("zero byte expected")
	ErrMalformedRef  = errors.New("malformed reference type")
)

// BlockKind says how a block's type is given.
type BlockKind byte

const (
	BlockEmpty BlockKind = iota // []->[]
	BlockValue                  // []->[t]
	BlockIndex                  // a type index
)

// BlockType is the immediate of block, loop and if.
type BlockType struct {
	Kind  BlockKind
	Value ValType // BlockValue
	Index uint32  // BlockIndex
}

// Instr is one decoded instruction. Which immediate fields are meaningful
// depends on Op; the rest are zero.
type Instr struct {
	Op Opcode
	// Offset is the position of the instruction's first byte in the body.
	Offset int

	// Index is the first index immediate: local, global, function, type
	// (call_indirect), table (table.*), label (br, br_if), the default
	// label (br_table), data (memory.init, data.drop), element
	// (table.init, elem.drop), or the destination table (table.copy).
	Index uint32
	// Index2 is the second index immediate: the table of call_indirect
	// and table.init, the source table of table.copy.
	Index2 uint32

	// MemAlign (log2) and MemOffset are a load or store's memarg.
	MemAlign  uint32
	MemOffset uint32

	// Value is a constant: i32 sign-extended to 64 bits, i64, or the bit
	// pattern of f32/f64.
	Value uint64

	Block BlockType

	// Targets are br_table's labels, without the default (in Index). The
	// slice belongs to the Reader and is overwritten by the next call.
	Targets []uint32

	// Type is ref.null's heap type, or select's explicit type (SelectT;
	// NumTypes tells how many types were given, for validation).
	Type     ValType
	NumTypes uint32

	// V128 is v128.const's value or i8x16.shuffle's lanes.
	V128 [16]byte
	// Lane is the lane index of SIMD lane instructions.
	Lane byte
}

// Reader reads the instructions of a function body or constant
// expression. It does not allocate after its first br_table.
type Reader struct {
	b       []byte
	pos     int
	targets []uint32
}

// NewReader returns a Reader over code.
func NewReader(code []byte) *Reader { return &Reader{b: code} }

// Reset makes r read code from its start, keeping its buffers.
func (r *Reader) Reset(code []byte) { r.b, r.pos = code, 0 }

// Pos is the offset of the next byte to read.
func (r *Reader) Pos() int { return r.pos }

// Len is the number of bytes left.
func (r *Reader) Len() int { return len(r.b) - r.pos }

// SetPos moves the reader.
func (r *Reader) SetPos(p int) { r.pos = p }

// Byte reads one byte.
func (r *Reader) Byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, ErrUnexpectedEnd
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// U32 reads an unsigned LEB128 32-bit integer.
func (r *Reader) U32() (uint32, error) {
	// Most immediates (local and label indexes) take one byte: no call.
	if r.pos < len(r.b) && r.b[r.pos] < 0x80 {
		c := r.b[r.pos]
		r.pos++
		return uint32(c), nil
	}
	v, n, err := ReadU32(r.b[r.pos:])
	r.pos += n
	return v, err
}

// ReadU32 decodes an unsigned LEB128 32-bit integer from b and returns it
// with the number of bytes used.
func ReadU32(b []byte) (uint32, int, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		if i >= len(b) {
			return 0, i, ErrUnexpectedEnd
		}
		c := b[i]
		if i == 4 {
			if c&0x80 != 0 {
				return 0, i + 1, ErrIntTooLong
			}
			if c&0x70 != 0 {
				return 0, i + 1, ErrIntTooLarge
			}
		}
		v |= uint32(c&0x7F) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 5, ErrIntTooLong
}

// S32 reads a signed LEB128 32-bit integer.
func (r *Reader) S32() (int32, error) {
	v, n, err := readSigned(r.b[r.pos:], 32)
	r.pos += n
	return int32(v), err
}

// S64 reads a signed LEB128 64-bit integer.
func (r *Reader) S64() (int64, error) {
	v, n, err := readSigned(r.b[r.pos:], 64)
	r.pos += n
	return v, err
}

// S33 reads the signed 33-bit integer used for block type indices.
func (r *Reader) S33() (int64, error) {
	v, n, err := readSigned(r.b[r.pos:], 33)
	r.pos += n
	return v, err
}

func readSigned(b []byte, bits uint) (int64, int, error) {
	var v int64
	var shift uint
	maxBytes := int((bits + 6) / 7)
	for i := 0; i < maxBytes; i++ {
		if i >= len(b) {
			return 0, i, ErrUnexpectedEnd
		}
		c := b[i]
		if i == maxBytes-1 {
			if c&0x80 != 0 {
				return 0, i + 1, ErrIntTooLong
			}
			// The unused bits of the last byte must all equal the sign bit.
			used := bits - 7*uint(i) // bits still to fill, 1..7
			if used < 7 {
				rest := int8(c<<1) >> (used) // sign-extend the unused bits and the sign
				if rest != 0 && rest != -1 {
					return 0, i + 1, ErrIntTooLarge
				}
			}
		}
		v |= int64(c&0x7F) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1, nil
		}
	}
	return 0, maxBytes, ErrIntTooLong
}

// Bytes reads n raw bytes.
func (r *Reader) Bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		r.pos = len(r.b)
		return nil, ErrUnexpectedEnd
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

// ValType reads a value type.
func (r *Reader) ValType() (ValType, error) {
	c, err := r.Byte()
	if err != nil {
		return 0, err
	}
	switch t := ValType(c); t {
	case I32, I64, F32, F64, V128, FuncRef, ExternRef:
		return t, nil
	}
	return 0, fmt.Errorf("malformed value type 0x%02x", c)
}

// Next reads one instruction. At the end of the input it returns
// ErrUnexpectedEnd. Immediates are read, not checked against the module.
func (r *Reader) Next() (Instr, error) {
	var in Instr
	err := r.Read(&in)
	return in, err
}

// Read is Next into *in, overwritten whole: the frontend decodes every
// instruction of every body, and returning the ~100-byte Instr by value
// copied it twice per instruction (~1.5% of a big module's compile).
func (r *Reader) Read(in *Instr) error {
	*in = Instr{Offset: r.pos}
	c, err := r.Byte()
	if err != nil {
		return err
	}
	in.Op = Opcode(c)
	switch in.Op {
	case OpBlock, OpLoop, OpIf:
		err = r.blockType(&in.Block)
	case OpBr, OpBrIf, OpCall, OpLocalGet, OpLocalSet, OpLocalTee, OpGlobalGet, OpGlobalSet,
		OpTableGet, OpTableSet, OpRefFunc:
		in.Index, err = r.U32()
	case OpBrTable:
		var n uint32
		if n, err = r.U32(); err != nil {
			break
		}
		if int(n) > r.Len() { // each target takes at least a byte
			err = ErrUnexpectedEnd
			break
		}
		r.targets = r.targets[:0]
		for i := uint32(0); i < n; i++ {
			var t uint32
			if t, err = r.U32(); err != nil {
				break
			}
			r.targets = append(r.targets, t)
		}
		if err == nil {
			in.Index, err = r.U32()
		}
		in.Targets = r.targets
	case OpCallIndirect:
		if in.Index, err = r.U32(); err == nil {
			in.Index2, err = r.U32()
		}
	case OpSelectT:
		if in.NumTypes, err = r.U32(); err != nil {
			break
		}
		if int(in.NumTypes) > r.Len() {
			err = ErrUnexpectedEnd
			break
		}
		for i := uint32(0); i < in.NumTypes && err == nil; i++ {
			var t ValType
			t, err = r.ValType()
			if i == 0 {
				in.Type = t
			}
		}
	case OpMemorySize, OpMemoryGrow:
		err = r.zero()
	case OpI32Const:
		var v int32
		v, err = r.S32()
		in.Value = uint64(int64(v))
	case OpI64Const:
		var v int64
		v, err = r.S64()
		in.Value = uint64(v)
	case OpF32Const:
		var b []byte
		if b, err = r.Bytes(4); err == nil {
			in.Value = uint64(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
		}
	case OpF64Const:
		var b []byte
		if b, err = r.Bytes(8); err == nil {
			for i := 7; i >= 0; i-- {
				in.Value = in.Value<<8 | uint64(b[i])
			}
		}
	case OpRefNull:
		var t byte
		if t, err = r.Byte(); err == nil {
			in.Type = ValType(t)
			if !in.Type.IsRef() {
				err = ErrMalformedRef
			}
		}
	case PrefixFC:
		err = r.prefixFC(in)
	case PrefixFD:
		err = r.prefixFD(in)
	default:
		if c >= 0x28 && c <= 0x3E {
			err = r.memarg(in)
		} else if ImmShapes()[c] != ImmNone {
			err = fmt.Errorf("%w 0x%02x", ErrIllegalOpcode, c)
		}
	}
	return err
}

func (r *Reader) zero() error {
	c, err := r.Byte()
	if err != nil {
		return err
	}
	if c != 0 {
		return ErrZeroByte
	}
	return nil
}

func (r *Reader) memarg(in *Instr) (err error) {
	if in.MemAlign, err = r.U32(); err != nil {
		return err
	}
	in.MemOffset, err = r.U32()
	return err
}

func (r *Reader) blockType(bt *BlockType) error {
	if r.pos >= len(r.b) {
		return ErrUnexpectedEnd
	}
	c := r.b[r.pos]
	switch {
	case c == 0x40:
		r.pos++
		bt.Kind = BlockEmpty
		return nil
	case c&0xC0 == 0x40: // a one-byte negative s33: a value type
		r.pos++
		bt.Kind, bt.Value = BlockValue, ValType(c)
		switch bt.Value {
		case I32, I64, F32, F64, V128, FuncRef, ExternRef:
			return nil
		}
		return fmt.Errorf("malformed value type 0x%02x", c)
	}
	v, err := r.S33()
	if err != nil {
		return err
	}
	if v < 0 || v > math.MaxUint32 {
		return fmt.Errorf("malformed block type")
	}
	bt.Kind, bt.Index = BlockIndex, uint32(v)
	return nil
}

func (r *Reader) prefixFC(in *Instr) error {
	sub, err := r.U32()
	if err != nil {
		return err
	}
	in.Op = PrefixFC<<16 | Opcode(sub)
	switch in.Op {
	case OpI32TruncSatF32S, OpI32TruncSatF32U, OpI32TruncSatF64S, OpI32TruncSatF64U,
		OpI64TruncSatF32S, OpI64TruncSatF32U, OpI64TruncSatF64S, OpI64TruncSatF64U:
		return nil
	case OpMemoryInit:
		if in.Index, err = r.U32(); err != nil {
			return err
		}
		return r.zero()
	case OpDataDrop, OpElemDrop, OpTableGrow, OpTableSize, OpTableFill:
		in.Index, err = r.U32()
		return err
	case OpMemoryCopy:
		if err = r.zero(); err != nil {
			return err
		}
		return r.zero()
	case OpMemoryFill:
		return r.zero()
	case OpTableInit, OpTableCopy:
		if in.Index, err = r.U32(); err != nil {
			return err
		}
		in.Index2, err = r.U32()
		// table.init is elem, table in the binary; keep Index = element
		// segment, Index2 = table, as documented on Instr.
		return err
	}
	return fmt.Errorf("%w 0xfc %d", ErrIllegalOpcode, sub)
}

func (r *Reader) prefixFD(in *Instr) error {
	sub, err := r.U32()
	if err != nil {
		return err
	}
	in.Op = PrefixFD<<16 | Opcode(sub)
	switch {
	case sub <= 0x0B || sub == 0x5C || sub == 0x5D: // loads, stores, load_zero
		return r.memarg(in)
	case sub == 0x0C, sub == 0x0D: // v128.const, i8x16.shuffle
		b, err := r.Bytes(16)
		if err != nil {
			return err
		}
		copy(in.V128[:], b)
		return nil
	case sub >= 0x15 && sub <= 0x22: // extract_lane, replace_lane
		in.Lane, err = r.Byte()
		return err
	case sub >= 0x54 && sub <= 0x5B: // load_lane, store_lane
		if err = r.memarg(in); err != nil {
			return err
		}
		in.Lane, err = r.Byte()
		return err
	}
	if !SIMDOpcodeValid(sub) {
		if err := relaxedSIMDError(sub); err != nil {
			return err
		}
		return fmt.Errorf("%w 0xfd %d", ErrIllegalOpcode, sub)
	}
	return nil
}

// OpName is the text-format name of op.
func OpName(op Opcode) string {
	if n, ok := opNames.Get()[op]; ok {
		return n
	}
	if n := simdName(op); n != "" {
		return n
	}
	if op>>16 != 0 {
		return fmt.Sprintf("opcode(0x%02x %d)", op>>16, op&0xFFFF)
	}
	return fmt.Sprintf("opcode(0x%02x)", uint32(op))
}

func (op Opcode) String() string { return OpName(op) }
