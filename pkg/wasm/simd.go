// SIMD (0xFD-prefixed) instructions of WebAssembly 2.0: opcode values,
// names, and the typing facts validate needs and codegen can reuse.
// The table was transcribed from the WebAssembly 2.0 SIMD opcode list
// (the same list wabt's opcode.def carries), without relaxed SIMD.

package wasm

// SIMD opcodes: PrefixFD<<16 | sub-opcode.
const (
	OpV128Load                  Opcode = PrefixFD<<16 | 0x00
	OpV128Load8x8S              Opcode = PrefixFD<<16 | 0x01
	OpV128Load8x8U              Opcode = PrefixFD<<16 | 0x02
	OpV128Load16x4S             Opcode = PrefixFD<<16 | 0x03
	OpV128Load16x4U             Opcode = PrefixFD<<16 | 0x04
	OpV128Load32x2S             Opcode = PrefixFD<<16 | 0x05
	OpV128Load32x2U             Opcode = PrefixFD<<16 | 0x06
	OpV128Load8Splat            Opcode = PrefixFD<<16 | 0x07
	OpV128Load16Splat           Opcode = PrefixFD<<16 | 0x08
	OpV128Load32Splat           Opcode = PrefixFD<<16 | 0x09
	OpV128Load64Splat           Opcode = PrefixFD<<16 | 0x0A
	OpV128Store                 Opcode = PrefixFD<<16 | 0x0B
	OpV128Const                 Opcode = PrefixFD<<16 | 0x0C
	OpI8x16Shuffle              Opcode = PrefixFD<<16 | 0x0D
	OpI8x16Swizzle              Opcode = PrefixFD<<16 | 0x0E
	OpI8x16Splat                Opcode = PrefixFD<<16 | 0x0F
	OpI16x8Splat                Opcode = PrefixFD<<16 | 0x10
	OpI32x4Splat                Opcode = PrefixFD<<16 | 0x11
	OpI64x2Splat                Opcode = PrefixFD<<16 | 0x12
	OpF32x4Splat                Opcode = PrefixFD<<16 | 0x13
	OpF64x2Splat                Opcode = PrefixFD<<16 | 0x14
	OpI8x16ExtractLaneS         Opcode = PrefixFD<<16 | 0x15
	OpI8x16ExtractLaneU         Opcode = PrefixFD<<16 | 0x16
	OpI8x16ReplaceLane          Opcode = PrefixFD<<16 | 0x17
	OpI16x8ExtractLaneS         Opcode = PrefixFD<<16 | 0x18
	OpI16x8ExtractLaneU         Opcode = PrefixFD<<16 | 0x19
	OpI16x8ReplaceLane          Opcode = PrefixFD<<16 | 0x1A
	OpI32x4ExtractLane          Opcode = PrefixFD<<16 | 0x1B
	OpI32x4ReplaceLane          Opcode = PrefixFD<<16 | 0x1C
	OpI64x2ExtractLane          Opcode = PrefixFD<<16 | 0x1D
	OpI64x2ReplaceLane          Opcode = PrefixFD<<16 | 0x1E
	OpF32x4ExtractLane          Opcode = PrefixFD<<16 | 0x1F
	OpF32x4ReplaceLane          Opcode = PrefixFD<<16 | 0x20
	OpF64x2ExtractLane          Opcode = PrefixFD<<16 | 0x21
	OpF64x2ReplaceLane          Opcode = PrefixFD<<16 | 0x22
	OpI8x16Eq                   Opcode = PrefixFD<<16 | 0x23
	OpI8x16Ne                   Opcode = PrefixFD<<16 | 0x24
	OpI8x16LtS                  Opcode = PrefixFD<<16 | 0x25
	OpI8x16LtU                  Opcode = PrefixFD<<16 | 0x26
	OpI8x16GtS                  Opcode = PrefixFD<<16 | 0x27
	OpI8x16GtU                  Opcode = PrefixFD<<16 | 0x28
	OpI8x16LeS                  Opcode = PrefixFD<<16 | 0x29
	OpI8x16LeU                  Opcode = PrefixFD<<16 | 0x2A
	OpI8x16GeS                  Opcode = PrefixFD<<16 | 0x2B
	OpI8x16GeU                  Opcode = PrefixFD<<16 | 0x2C
	OpI16x8Eq                   Opcode = PrefixFD<<16 | 0x2D
	OpI16x8Ne                   Opcode = PrefixFD<<16 | 0x2E
	OpI16x8LtS                  Opcode = PrefixFD<<16 | 0x2F
	OpI16x8LtU                  Opcode = PrefixFD<<16 | 0x30
	OpI16x8GtS                  Opcode = PrefixFD<<16 | 0x31
	OpI16x8GtU                  Opcode = PrefixFD<<16 | 0x32
	OpI16x8LeS                  Opcode = PrefixFD<<16 | 0x33
	OpI16x8LeU                  Opcode = PrefixFD<<16 | 0x34
	OpI16x8GeS                  Opcode = PrefixFD<<16 | 0x35
	OpI16x8GeU                  Opcode = PrefixFD<<16 | 0x36
	OpI32x4Eq                   Opcode = PrefixFD<<16 | 0x37
	OpI32x4Ne                   Opcode = PrefixFD<<16 | 0x38
	OpI32x4LtS                  Opcode = PrefixFD<<16 | 0x39
	OpI32x4LtU                  Opcode = PrefixFD<<16 | 0x3A
	OpI32x4GtS                  Opcode = PrefixFD<<16 | 0x3B
	OpI32x4GtU                  Opcode = PrefixFD<<16 | 0x3C
	OpI32x4LeS                  Opcode = PrefixFD<<16 | 0x3D
	OpI32x4LeU                  Opcode = PrefixFD<<16 | 0x3E
	OpI32x4GeS                  Opcode = PrefixFD<<16 | 0x3F
	OpI32x4GeU                  Opcode = PrefixFD<<16 | 0x40
	OpF32x4Eq                   Opcode = PrefixFD<<16 | 0x41
	OpF32x4Ne                   Opcode = PrefixFD<<16 | 0x42
	OpF32x4Lt                   Opcode = PrefixFD<<16 | 0x43
	OpF32x4Gt                   Opcode = PrefixFD<<16 | 0x44
	OpF32x4Le                   Opcode = PrefixFD<<16 | 0x45
	OpF32x4Ge                   Opcode = PrefixFD<<16 | 0x46
	OpF64x2Eq                   Opcode = PrefixFD<<16 | 0x47
	OpF64x2Ne                   Opcode = PrefixFD<<16 | 0x48
	OpF64x2Lt                   Opcode = PrefixFD<<16 | 0x49
	OpF64x2Gt                   Opcode = PrefixFD<<16 | 0x4A
	OpF64x2Le                   Opcode = PrefixFD<<16 | 0x4B
	OpF64x2Ge                   Opcode = PrefixFD<<16 | 0x4C
	OpV128Not                   Opcode = PrefixFD<<16 | 0x4D
	OpV128And                   Opcode = PrefixFD<<16 | 0x4E
	OpV128Andnot                Opcode = PrefixFD<<16 | 0x4F
	OpV128Or                    Opcode = PrefixFD<<16 | 0x50
	OpV128Xor                   Opcode = PrefixFD<<16 | 0x51
	OpV128Bitselect             Opcode = PrefixFD<<16 | 0x52
	OpV128AnyTrue               Opcode = PrefixFD<<16 | 0x53
	OpV128Load8Lane             Opcode = PrefixFD<<16 | 0x54
	OpV128Load16Lane            Opcode = PrefixFD<<16 | 0x55
	OpV128Load32Lane            Opcode = PrefixFD<<16 | 0x56
	OpV128Load64Lane            Opcode = PrefixFD<<16 | 0x57
	OpV128Store8Lane            Opcode = PrefixFD<<16 | 0x58
	OpV128Store16Lane           Opcode = PrefixFD<<16 | 0x59
	OpV128Store32Lane           Opcode = PrefixFD<<16 | 0x5A
	OpV128Store64Lane           Opcode = PrefixFD<<16 | 0x5B
	OpV128Load32Zero            Opcode = PrefixFD<<16 | 0x5C
	OpV128Load64Zero            Opcode = PrefixFD<<16 | 0x5D
	OpF32x4DemoteF64x2Zero      Opcode = PrefixFD<<16 | 0x5E
	OpF64x2PromoteLowF32x4      Opcode = PrefixFD<<16 | 0x5F
	OpI8x16Abs                  Opcode = PrefixFD<<16 | 0x60
	OpI8x16Neg                  Opcode = PrefixFD<<16 | 0x61
	OpI8x16Popcnt               Opcode = PrefixFD<<16 | 0x62
	OpI8x16AllTrue              Opcode = PrefixFD<<16 | 0x63
	OpI8x16Bitmask              Opcode = PrefixFD<<16 | 0x64
	OpI8x16NarrowI16x8S         Opcode = PrefixFD<<16 | 0x65
	OpI8x16NarrowI16x8U         Opcode = PrefixFD<<16 | 0x66
	OpF32x4Ceil                 Opcode = PrefixFD<<16 | 0x67
	OpF32x4Floor                Opcode = PrefixFD<<16 | 0x68
	OpF32x4Trunc                Opcode = PrefixFD<<16 | 0x69
	OpF32x4Nearest              Opcode = PrefixFD<<16 | 0x6A
	OpI8x16Shl                  Opcode = PrefixFD<<16 | 0x6B
	OpI8x16ShrS                 Opcode = PrefixFD<<16 | 0x6C
	OpI8x16ShrU                 Opcode = PrefixFD<<16 | 0x6D
	OpI8x16Add                  Opcode = PrefixFD<<16 | 0x6E
	OpI8x16AddSatS              Opcode = PrefixFD<<16 | 0x6F
	OpI8x16AddSatU              Opcode = PrefixFD<<16 | 0x70
	OpI8x16Sub                  Opcode = PrefixFD<<16 | 0x71
	OpI8x16SubSatS              Opcode = PrefixFD<<16 | 0x72
	OpI8x16SubSatU              Opcode = PrefixFD<<16 | 0x73
	OpF64x2Ceil                 Opcode = PrefixFD<<16 | 0x74
	OpF64x2Floor                Opcode = PrefixFD<<16 | 0x75
	OpI8x16MinS                 Opcode = PrefixFD<<16 | 0x76
	OpI8x16MinU                 Opcode = PrefixFD<<16 | 0x77
	OpI8x16MaxS                 Opcode = PrefixFD<<16 | 0x78
	OpI8x16MaxU                 Opcode = PrefixFD<<16 | 0x79
	OpF64x2Trunc                Opcode = PrefixFD<<16 | 0x7A
	OpI8x16AvgrU                Opcode = PrefixFD<<16 | 0x7B
	OpI16x8ExtaddPairwiseI8x16S Opcode = PrefixFD<<16 | 0x7C
	OpI16x8ExtaddPairwiseI8x16U Opcode = PrefixFD<<16 | 0x7D
	OpI32x4ExtaddPairwiseI16x8S Opcode = PrefixFD<<16 | 0x7E
	OpI32x4ExtaddPairwiseI16x8U Opcode = PrefixFD<<16 | 0x7F
	OpI16x8Abs                  Opcode = PrefixFD<<16 | 0x80
	OpI16x8Neg                  Opcode = PrefixFD<<16 | 0x81
	OpI16x8Q15mulrSatS          Opcode = PrefixFD<<16 | 0x82
	OpI16x8AllTrue              Opcode = PrefixFD<<16 | 0x83
	OpI16x8Bitmask              Opcode = PrefixFD<<16 | 0x84
	OpI16x8NarrowI32x4S         Opcode = PrefixFD<<16 | 0x85
	OpI16x8NarrowI32x4U         Opcode = PrefixFD<<16 | 0x86
	OpI16x8ExtendLowI8x16S      Opcode = PrefixFD<<16 | 0x87
	OpI16x8ExtendHighI8x16S     Opcode = PrefixFD<<16 | 0x88
	OpI16x8ExtendLowI8x16U      Opcode = PrefixFD<<16 | 0x89
	OpI16x8ExtendHighI8x16U     Opcode = PrefixFD<<16 | 0x8A
	OpI16x8Shl                  Opcode = PrefixFD<<16 | 0x8B
	OpI16x8ShrS                 Opcode = PrefixFD<<16 | 0x8C
	OpI16x8ShrU                 Opcode = PrefixFD<<16 | 0x8D
	OpI16x8Add                  Opcode = PrefixFD<<16 | 0x8E
	OpI16x8AddSatS              Opcode = PrefixFD<<16 | 0x8F
	OpI16x8AddSatU              Opcode = PrefixFD<<16 | 0x90
	OpI16x8Sub                  Opcode = PrefixFD<<16 | 0x91
	OpI16x8SubSatS              Opcode = PrefixFD<<16 | 0x92
	OpI16x8SubSatU              Opcode = PrefixFD<<16 | 0x93
	OpF64x2Nearest              Opcode = PrefixFD<<16 | 0x94
	OpI16x8Mul                  Opcode = PrefixFD<<16 | 0x95
	OpI16x8MinS                 Opcode = PrefixFD<<16 | 0x96
	OpI16x8MinU                 Opcode = PrefixFD<<16 | 0x97
	OpI16x8MaxS                 Opcode = PrefixFD<<16 | 0x98
	OpI16x8MaxU                 Opcode = PrefixFD<<16 | 0x99
	OpI16x8AvgrU                Opcode = PrefixFD<<16 | 0x9B
	OpI16x8ExtmulLowI8x16S      Opcode = PrefixFD<<16 | 0x9C
	OpI16x8ExtmulHighI8x16S     Opcode = PrefixFD<<16 | 0x9D
	OpI16x8ExtmulLowI8x16U      Opcode = PrefixFD<<16 | 0x9E
	OpI16x8ExtmulHighI8x16U     Opcode = PrefixFD<<16 | 0x9F
	OpI32x4Abs                  Opcode = PrefixFD<<16 | 0xA0
	OpI32x4Neg                  Opcode = PrefixFD<<16 | 0xA1
	OpI32x4AllTrue              Opcode = PrefixFD<<16 | 0xA3
	OpI32x4Bitmask              Opcode = PrefixFD<<16 | 0xA4
	OpI32x4ExtendLowI16x8S      Opcode = PrefixFD<<16 | 0xA7
	OpI32x4ExtendHighI16x8S     Opcode = PrefixFD<<16 | 0xA8
	OpI32x4ExtendLowI16x8U      Opcode = PrefixFD<<16 | 0xA9
	OpI32x4ExtendHighI16x8U     Opcode = PrefixFD<<16 | 0xAA
	OpI32x4Shl                  Opcode = PrefixFD<<16 | 0xAB
	OpI32x4ShrS                 Opcode = PrefixFD<<16 | 0xAC
	OpI32x4ShrU                 Opcode = PrefixFD<<16 | 0xAD
	OpI32x4Add                  Opcode = PrefixFD<<16 | 0xAE
	OpI32x4Sub                  Opcode = PrefixFD<<16 | 0xB1
	OpI32x4Mul                  Opcode = PrefixFD<<16 | 0xB5
	OpI32x4MinS                 Opcode = PrefixFD<<16 | 0xB6
	OpI32x4MinU                 Opcode = PrefixFD<<16 | 0xB7
	OpI32x4MaxS                 Opcode = PrefixFD<<16 | 0xB8
	OpI32x4MaxU                 Opcode = PrefixFD<<16 | 0xB9
	OpI32x4DotI16x8S            Opcode = PrefixFD<<16 | 0xBA
	OpI32x4ExtmulLowI16x8S      Opcode = PrefixFD<<16 | 0xBC
	OpI32x4ExtmulHighI16x8S     Opcode = PrefixFD<<16 | 0xBD
	OpI32x4ExtmulLowI16x8U      Opcode = PrefixFD<<16 | 0xBE
	OpI32x4ExtmulHighI16x8U     Opcode = PrefixFD<<16 | 0xBF
	OpI64x2Abs                  Opcode = PrefixFD<<16 | 0xC0
	OpI64x2Neg                  Opcode = PrefixFD<<16 | 0xC1
	OpI64x2AllTrue              Opcode = PrefixFD<<16 | 0xC3
	OpI64x2Bitmask              Opcode = PrefixFD<<16 | 0xC4
	OpI64x2ExtendLowI32x4S      Opcode = PrefixFD<<16 | 0xC7
	OpI64x2ExtendHighI32x4S     Opcode = PrefixFD<<16 | 0xC8
	OpI64x2ExtendLowI32x4U      Opcode = PrefixFD<<16 | 0xC9
	OpI64x2ExtendHighI32x4U     Opcode = PrefixFD<<16 | 0xCA
	OpI64x2Shl                  Opcode = PrefixFD<<16 | 0xCB
	OpI64x2ShrS                 Opcode = PrefixFD<<16 | 0xCC
	OpI64x2ShrU                 Opcode = PrefixFD<<16 | 0xCD
	OpI64x2Add                  Opcode = PrefixFD<<16 | 0xCE
	OpI64x2Sub                  Opcode = PrefixFD<<16 | 0xD1
	OpI64x2Mul                  Opcode = PrefixFD<<16 | 0xD5
	OpI64x2Eq                   Opcode = PrefixFD<<16 | 0xD6
	OpI64x2Ne                   Opcode = PrefixFD<<16 | 0xD7
	OpI64x2LtS                  Opcode = PrefixFD<<16 | 0xD8
	OpI64x2GtS                  Opcode = PrefixFD<<16 | 0xD9
	OpI64x2LeS                  Opcode = PrefixFD<<16 | 0xDA
	OpI64x2GeS                  Opcode = PrefixFD<<16 | 0xDB
	OpI64x2ExtmulLowI32x4S      Opcode = PrefixFD<<16 | 0xDC
	OpI64x2ExtmulHighI32x4S     Opcode = PrefixFD<<16 | 0xDD
	OpI64x2ExtmulLowI32x4U      Opcode = PrefixFD<<16 | 0xDE
	OpI64x2ExtmulHighI32x4U     Opcode = PrefixFD<<16 | 0xDF
	OpF32x4Abs                  Opcode = PrefixFD<<16 | 0xE0
	OpF32x4Neg                  Opcode = PrefixFD<<16 | 0xE1
	OpF32x4Sqrt                 Opcode = PrefixFD<<16 | 0xE3
	OpF32x4Add                  Opcode = PrefixFD<<16 | 0xE4
	OpF32x4Sub                  Opcode = PrefixFD<<16 | 0xE5
	OpF32x4Mul                  Opcode = PrefixFD<<16 | 0xE6
	OpF32x4Div                  Opcode = PrefixFD<<16 | 0xE7
	OpF32x4Min                  Opcode = PrefixFD<<16 | 0xE8
	OpF32x4Max                  Opcode = PrefixFD<<16 | 0xE9
	OpF32x4Pmin                 Opcode = PrefixFD<<16 | 0xEA
	OpF32x4Pmax                 Opcode = PrefixFD<<16 | 0xEB
	OpF64x2Abs                  Opcode = PrefixFD<<16 | 0xEC
	OpF64x2Neg                  Opcode = PrefixFD<<16 | 0xED
	OpF64x2Sqrt                 Opcode = PrefixFD<<16 | 0xEF
	OpF64x2Add                  Opcode = PrefixFD<<16 | 0xF0
	OpF64x2Sub                  Opcode = PrefixFD<<16 | 0xF1
	OpF64x2Mul                  Opcode = PrefixFD<<16 | 0xF2
	OpF64x2Div                  Opcode = PrefixFD<<16 | 0xF3
	OpF64x2Min                  Opcode = PrefixFD<<16 | 0xF4
	OpF64x2Max                  Opcode = PrefixFD<<16 | 0xF5
	OpF64x2Pmin                 Opcode = PrefixFD<<16 | 0xF6
	OpF64x2Pmax                 Opcode = PrefixFD<<16 | 0xF7
	OpI32x4TruncSatF32x4S       Opcode = PrefixFD<<16 | 0xF8
	OpI32x4TruncSatF32x4U       Opcode = PrefixFD<<16 | 0xF9
	OpF32x4ConvertI32x4S        Opcode = PrefixFD<<16 | 0xFA
	OpF32x4ConvertI32x4U        Opcode = PrefixFD<<16 | 0xFB
	OpI32x4TruncSatF64x2SZero   Opcode = PrefixFD<<16 | 0xFC
	OpI32x4TruncSatF64x2UZero   Opcode = PrefixFD<<16 | 0xFD
	OpF64x2ConvertLowI32x4S     Opcode = PrefixFD<<16 | 0xFE
	OpF64x2ConvertLowI32x4U     Opcode = PrefixFD<<16 | 0xFF
)

// SIMDImm is the kind of immediate a SIMD instruction carries.
type SIMDImm byte

const (
	SIMDImmNone       SIMDImm = iota
	SIMDImmMemArg             // memarg (loads, stores, load_splat, load_zero, load_extend)
	SIMDImmMemArgLane         // memarg then a lane index (load_lane, store_lane)
	SIMDImmLane               // a lane index (extract_lane, replace_lane)
	SIMDImmV128               // 16 bytes of constant (v128.const)
	SIMDImmShuffle            // 16 lane indices below 32 (i8x16.shuffle)
)

// SIMDInfo describes one SIMD instruction.
type SIMDInfo struct {
	Name string
	// Params are the operand types, bottom of the stack first; only the
	// first NumParams are meaningful.
	Params    [3]ValType
	NumParams uint8
	// Result is the result type, or 0 when the instruction produces none.
	Result ValType
	Imm    SIMDImm
	// MemSize is the number of bytes a memory instruction accesses; its
	// natural alignment (the largest valid memarg align is log2(MemSize)).
	MemSize uint8
	// Lanes is the number of lanes a lane immediate selects from
	// (lane index must be < Lanes); 32 for shuffle.
	Lanes uint8
}

// SIMDOpcodeValid reports whether sub is a SIMD (0xFD-prefixed) opcode of
// WebAssembly 2.0.
func SIMDOpcodeValid(sub uint32) bool {
	return sub < uint32(len(simdTable)) && simdTable[sub].Name != ""
}

// SIMD returns the description of SIMD sub-opcode sub; ok is false when
// sub is not a WebAssembly 2.0 SIMD instruction.
func SIMD(sub uint32) (info *SIMDInfo, ok bool) {
	if !SIMDOpcodeValid(sub) {
		return nil, false
	}
	return &simdTable[sub], true
}

func simdName(op Opcode) string {
	if op>>16 != PrefixFD {
		return ""
	}
	if sub := uint32(op & 0xFFFF); SIMDOpcodeValid(sub) {
		return simdTable[sub].Name
	}
	return ""
}

func simdOp(name string, imm SIMDImm, memSize, lanes uint8, result ValType, params ...ValType) SIMDInfo {
	in := SIMDInfo{Name: name, Imm: imm, MemSize: memSize, Lanes: lanes, Result: result, NumParams: uint8(len(params))}
	copy(in.Params[:], params)
	return in
}

// simdTable is indexed by sub-opcode; holes have an empty Name.
var simdTable = [256]SIMDInfo{
	0x00: simdOp("v128.load", SIMDImmMemArg, 16, 0, V128, I32),
	0x01: simdOp("v128.load8x8_s", SIMDImmMemArg, 8, 0, V128, I32),
	0x02: simdOp("v128.load8x8_u", SIMDImmMemArg, 8, 0, V128, I32),
	0x03: simdOp("v128.load16x4_s", SIMDImmMemArg, 8, 0, V128, I32),
	0x04: simdOp("v128.load16x4_u", SIMDImmMemArg, 8, 0, V128, I32),
	0x05: simdOp("v128.load32x2_s", SIMDImmMemArg, 8, 0, V128, I32),
	0x06: simdOp("v128.load32x2_u", SIMDImmMemArg, 8, 0, V128, I32),
	0x07: simdOp("v128.load8_splat", SIMDImmMemArg, 1, 0, V128, I32),
	0x08: simdOp("v128.load16_splat", SIMDImmMemArg, 2, 0, V128, I32),
	0x09: simdOp("v128.load32_splat", SIMDImmMemArg, 4, 0, V128, I32),
	0x0A: simdOp("v128.load64_splat", SIMDImmMemArg, 8, 0, V128, I32),
	0x0B: simdOp("v128.store", SIMDImmMemArg, 16, 0, 0, I32, V128),
	0x0C: simdOp("v128.const", SIMDImmV128, 0, 0, V128),
	0x0D: simdOp("i8x16.shuffle", SIMDImmShuffle, 0, 32, V128, V128, V128),
	0x0E: simdOp("i8x16.swizzle", SIMDImmNone, 0, 0, V128, V128, V128),
	0x0F: simdOp("i8x16.splat", SIMDImmNone, 0, 0, V128, I32),
	0x10: simdOp("i16x8.splat", SIMDImmNone, 0, 0, V128, I32),
	0x11: simdOp("i32x4.splat", SIMDImmNone, 0, 0, V128, I32),
	0x12: simdOp("i64x2.splat", SIMDImmNone, 0, 0, V128, I64),
	0x13: simdOp("f32x4.splat", SIMDImmNone, 0, 0, V128, F32),
	0x14: simdOp("f64x2.splat", SIMDImmNone, 0, 0, V128, F64),
	0x15: simdOp("i8x16.extract_lane_s", SIMDImmLane, 0, 16, I32, V128),
	0x16: simdOp("i8x16.extract_lane_u", SIMDImmLane, 0, 16, I32, V128),
	0x17: simdOp("i8x16.replace_lane", SIMDImmLane, 0, 16, V128, V128, I32),
	0x18: simdOp("i16x8.extract_lane_s", SIMDImmLane, 0, 8, I32, V128),
	0x19: simdOp("i16x8.extract_lane_u", SIMDImmLane, 0, 8, I32, V128),
	0x1A: simdOp("i16x8.replace_lane", SIMDImmLane, 0, 8, V128, V128, I32),
	0x1B: simdOp("i32x4.extract_lane", SIMDImmLane, 0, 4, I32, V128),
	0x1C: simdOp("i32x4.replace_lane", SIMDImmLane, 0, 4, V128, V128, I32),
	0x1D: simdOp("i64x2.extract_lane", SIMDImmLane, 0, 2, I64, V128),
	0x1E: simdOp("i64x2.replace_lane", SIMDImmLane, 0, 2, V128, V128, I64),
	0x1F: simdOp("f32x4.extract_lane", SIMDImmLane, 0, 4, F32, V128),
	0x20: simdOp("f32x4.replace_lane", SIMDImmLane, 0, 4, V128, V128, F32),
	0x21: simdOp("f64x2.extract_lane", SIMDImmLane, 0, 2, F64, V128),
	0x22: simdOp("f64x2.replace_lane", SIMDImmLane, 0, 2, V128, V128, F64),
	0x23: simdOp("i8x16.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0x24: simdOp("i8x16.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0x25: simdOp("i8x16.lt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x26: simdOp("i8x16.lt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x27: simdOp("i8x16.gt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x28: simdOp("i8x16.gt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x29: simdOp("i8x16.le_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2A: simdOp("i8x16.le_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2B: simdOp("i8x16.ge_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2C: simdOp("i8x16.ge_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2D: simdOp("i16x8.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2E: simdOp("i16x8.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0x2F: simdOp("i16x8.lt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x30: simdOp("i16x8.lt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x31: simdOp("i16x8.gt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x32: simdOp("i16x8.gt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x33: simdOp("i16x8.le_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x34: simdOp("i16x8.le_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x35: simdOp("i16x8.ge_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x36: simdOp("i16x8.ge_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x37: simdOp("i32x4.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0x38: simdOp("i32x4.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0x39: simdOp("i32x4.lt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3A: simdOp("i32x4.lt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3B: simdOp("i32x4.gt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3C: simdOp("i32x4.gt_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3D: simdOp("i32x4.le_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3E: simdOp("i32x4.le_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x3F: simdOp("i32x4.ge_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x40: simdOp("i32x4.ge_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x41: simdOp("f32x4.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0x42: simdOp("f32x4.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0x43: simdOp("f32x4.lt", SIMDImmNone, 0, 0, V128, V128, V128),
	0x44: simdOp("f32x4.gt", SIMDImmNone, 0, 0, V128, V128, V128),
	0x45: simdOp("f32x4.le", SIMDImmNone, 0, 0, V128, V128, V128),
	0x46: simdOp("f32x4.ge", SIMDImmNone, 0, 0, V128, V128, V128),
	0x47: simdOp("f64x2.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0x48: simdOp("f64x2.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0x49: simdOp("f64x2.lt", SIMDImmNone, 0, 0, V128, V128, V128),
	0x4A: simdOp("f64x2.gt", SIMDImmNone, 0, 0, V128, V128, V128),
	0x4B: simdOp("f64x2.le", SIMDImmNone, 0, 0, V128, V128, V128),
	0x4C: simdOp("f64x2.ge", SIMDImmNone, 0, 0, V128, V128, V128),
	0x4D: simdOp("v128.not", SIMDImmNone, 0, 0, V128, V128),
	0x4E: simdOp("v128.and", SIMDImmNone, 0, 0, V128, V128, V128),
	0x4F: simdOp("v128.andnot", SIMDImmNone, 0, 0, V128, V128, V128),
	0x50: simdOp("v128.or", SIMDImmNone, 0, 0, V128, V128, V128),
	0x51: simdOp("v128.xor", SIMDImmNone, 0, 0, V128, V128, V128),
	0x52: simdOp("v128.bitselect", SIMDImmNone, 0, 0, V128, V128, V128, V128),
	0x53: simdOp("v128.any_true", SIMDImmNone, 0, 0, I32, V128),
	0x54: simdOp("v128.load8_lane", SIMDImmMemArgLane, 1, 16, V128, I32, V128),
	0x55: simdOp("v128.load16_lane", SIMDImmMemArgLane, 2, 8, V128, I32, V128),
	0x56: simdOp("v128.load32_lane", SIMDImmMemArgLane, 4, 4, V128, I32, V128),
	0x57: simdOp("v128.load64_lane", SIMDImmMemArgLane, 8, 2, V128, I32, V128),
	0x58: simdOp("v128.store8_lane", SIMDImmMemArgLane, 1, 16, 0, I32, V128),
	0x59: simdOp("v128.store16_lane", SIMDImmMemArgLane, 2, 8, 0, I32, V128),
	0x5A: simdOp("v128.store32_lane", SIMDImmMemArgLane, 4, 4, 0, I32, V128),
	0x5B: simdOp("v128.store64_lane", SIMDImmMemArgLane, 8, 2, 0, I32, V128),
	0x5C: simdOp("v128.load32_zero", SIMDImmMemArg, 4, 0, V128, I32),
	0x5D: simdOp("v128.load64_zero", SIMDImmMemArg, 8, 0, V128, I32),
	0x5E: simdOp("f32x4.demote_f64x2_zero", SIMDImmNone, 0, 0, V128, V128),
	0x5F: simdOp("f64x2.promote_low_f32x4", SIMDImmNone, 0, 0, V128, V128),
	0x60: simdOp("i8x16.abs", SIMDImmNone, 0, 0, V128, V128),
	0x61: simdOp("i8x16.neg", SIMDImmNone, 0, 0, V128, V128),
	0x62: simdOp("i8x16.popcnt", SIMDImmNone, 0, 0, V128, V128),
	0x63: simdOp("i8x16.all_true", SIMDImmNone, 0, 0, I32, V128),
	0x64: simdOp("i8x16.bitmask", SIMDImmNone, 0, 0, I32, V128),
	0x65: simdOp("i8x16.narrow_i16x8_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x66: simdOp("i8x16.narrow_i16x8_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x67: simdOp("f32x4.ceil", SIMDImmNone, 0, 0, V128, V128),
	0x68: simdOp("f32x4.floor", SIMDImmNone, 0, 0, V128, V128),
	0x69: simdOp("f32x4.trunc", SIMDImmNone, 0, 0, V128, V128),
	0x6A: simdOp("f32x4.nearest", SIMDImmNone, 0, 0, V128, V128),
	0x6B: simdOp("i8x16.shl", SIMDImmNone, 0, 0, V128, V128, I32),
	0x6C: simdOp("i8x16.shr_s", SIMDImmNone, 0, 0, V128, V128, I32),
	0x6D: simdOp("i8x16.shr_u", SIMDImmNone, 0, 0, V128, V128, I32),
	0x6E: simdOp("i8x16.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0x6F: simdOp("i8x16.add_sat_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x70: simdOp("i8x16.add_sat_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x71: simdOp("i8x16.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0x72: simdOp("i8x16.sub_sat_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x73: simdOp("i8x16.sub_sat_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x74: simdOp("f64x2.ceil", SIMDImmNone, 0, 0, V128, V128),
	0x75: simdOp("f64x2.floor", SIMDImmNone, 0, 0, V128, V128),
	0x76: simdOp("i8x16.min_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x77: simdOp("i8x16.min_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x78: simdOp("i8x16.max_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x79: simdOp("i8x16.max_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x7A: simdOp("f64x2.trunc", SIMDImmNone, 0, 0, V128, V128),
	0x7B: simdOp("i8x16.avgr_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x7C: simdOp("i16x8.extadd_pairwise_i8x16_s", SIMDImmNone, 0, 0, V128, V128),
	0x7D: simdOp("i16x8.extadd_pairwise_i8x16_u", SIMDImmNone, 0, 0, V128, V128),
	0x7E: simdOp("i32x4.extadd_pairwise_i16x8_s", SIMDImmNone, 0, 0, V128, V128),
	0x7F: simdOp("i32x4.extadd_pairwise_i16x8_u", SIMDImmNone, 0, 0, V128, V128),
	0x80: simdOp("i16x8.abs", SIMDImmNone, 0, 0, V128, V128),
	0x81: simdOp("i16x8.neg", SIMDImmNone, 0, 0, V128, V128),
	0x82: simdOp("i16x8.q15mulr_sat_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x83: simdOp("i16x8.all_true", SIMDImmNone, 0, 0, I32, V128),
	0x84: simdOp("i16x8.bitmask", SIMDImmNone, 0, 0, I32, V128),
	0x85: simdOp("i16x8.narrow_i32x4_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x86: simdOp("i16x8.narrow_i32x4_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x87: simdOp("i16x8.extend_low_i8x16_s", SIMDImmNone, 0, 0, V128, V128),
	0x88: simdOp("i16x8.extend_high_i8x16_s", SIMDImmNone, 0, 0, V128, V128),
	0x89: simdOp("i16x8.extend_low_i8x16_u", SIMDImmNone, 0, 0, V128, V128),
	0x8A: simdOp("i16x8.extend_high_i8x16_u", SIMDImmNone, 0, 0, V128, V128),
	0x8B: simdOp("i16x8.shl", SIMDImmNone, 0, 0, V128, V128, I32),
	0x8C: simdOp("i16x8.shr_s", SIMDImmNone, 0, 0, V128, V128, I32),
	0x8D: simdOp("i16x8.shr_u", SIMDImmNone, 0, 0, V128, V128, I32),
	0x8E: simdOp("i16x8.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0x8F: simdOp("i16x8.add_sat_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x90: simdOp("i16x8.add_sat_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x91: simdOp("i16x8.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0x92: simdOp("i16x8.sub_sat_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x93: simdOp("i16x8.sub_sat_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x94: simdOp("f64x2.nearest", SIMDImmNone, 0, 0, V128, V128),
	0x95: simdOp("i16x8.mul", SIMDImmNone, 0, 0, V128, V128, V128),
	0x96: simdOp("i16x8.min_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x97: simdOp("i16x8.min_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x98: simdOp("i16x8.max_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x99: simdOp("i16x8.max_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x9B: simdOp("i16x8.avgr_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x9C: simdOp("i16x8.extmul_low_i8x16_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x9D: simdOp("i16x8.extmul_high_i8x16_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0x9E: simdOp("i16x8.extmul_low_i8x16_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0x9F: simdOp("i16x8.extmul_high_i8x16_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xA0: simdOp("i32x4.abs", SIMDImmNone, 0, 0, V128, V128),
	0xA1: simdOp("i32x4.neg", SIMDImmNone, 0, 0, V128, V128),
	0xA3: simdOp("i32x4.all_true", SIMDImmNone, 0, 0, I32, V128),
	0xA4: simdOp("i32x4.bitmask", SIMDImmNone, 0, 0, I32, V128),
	0xA7: simdOp("i32x4.extend_low_i16x8_s", SIMDImmNone, 0, 0, V128, V128),
	0xA8: simdOp("i32x4.extend_high_i16x8_s", SIMDImmNone, 0, 0, V128, V128),
	0xA9: simdOp("i32x4.extend_low_i16x8_u", SIMDImmNone, 0, 0, V128, V128),
	0xAA: simdOp("i32x4.extend_high_i16x8_u", SIMDImmNone, 0, 0, V128, V128),
	0xAB: simdOp("i32x4.shl", SIMDImmNone, 0, 0, V128, V128, I32),
	0xAC: simdOp("i32x4.shr_s", SIMDImmNone, 0, 0, V128, V128, I32),
	0xAD: simdOp("i32x4.shr_u", SIMDImmNone, 0, 0, V128, V128, I32),
	0xAE: simdOp("i32x4.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB1: simdOp("i32x4.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB5: simdOp("i32x4.mul", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB6: simdOp("i32x4.min_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB7: simdOp("i32x4.min_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB8: simdOp("i32x4.max_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xB9: simdOp("i32x4.max_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xBA: simdOp("i32x4.dot_i16x8_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xBC: simdOp("i32x4.extmul_low_i16x8_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xBD: simdOp("i32x4.extmul_high_i16x8_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xBE: simdOp("i32x4.extmul_low_i16x8_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xBF: simdOp("i32x4.extmul_high_i16x8_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xC0: simdOp("i64x2.abs", SIMDImmNone, 0, 0, V128, V128),
	0xC1: simdOp("i64x2.neg", SIMDImmNone, 0, 0, V128, V128),
	0xC3: simdOp("i64x2.all_true", SIMDImmNone, 0, 0, I32, V128),
	0xC4: simdOp("i64x2.bitmask", SIMDImmNone, 0, 0, I32, V128),
	0xC7: simdOp("i64x2.extend_low_i32x4_s", SIMDImmNone, 0, 0, V128, V128),
	0xC8: simdOp("i64x2.extend_high_i32x4_s", SIMDImmNone, 0, 0, V128, V128),
	0xC9: simdOp("i64x2.extend_low_i32x4_u", SIMDImmNone, 0, 0, V128, V128),
	0xCA: simdOp("i64x2.extend_high_i32x4_u", SIMDImmNone, 0, 0, V128, V128),
	0xCB: simdOp("i64x2.shl", SIMDImmNone, 0, 0, V128, V128, I32),
	0xCC: simdOp("i64x2.shr_s", SIMDImmNone, 0, 0, V128, V128, I32),
	0xCD: simdOp("i64x2.shr_u", SIMDImmNone, 0, 0, V128, V128, I32),
	0xCE: simdOp("i64x2.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD1: simdOp("i64x2.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD5: simdOp("i64x2.mul", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD6: simdOp("i64x2.eq", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD7: simdOp("i64x2.ne", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD8: simdOp("i64x2.lt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xD9: simdOp("i64x2.gt_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDA: simdOp("i64x2.le_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDB: simdOp("i64x2.ge_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDC: simdOp("i64x2.extmul_low_i32x4_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDD: simdOp("i64x2.extmul_high_i32x4_s", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDE: simdOp("i64x2.extmul_low_i32x4_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xDF: simdOp("i64x2.extmul_high_i32x4_u", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE0: simdOp("f32x4.abs", SIMDImmNone, 0, 0, V128, V128),
	0xE1: simdOp("f32x4.neg", SIMDImmNone, 0, 0, V128, V128),
	0xE3: simdOp("f32x4.sqrt", SIMDImmNone, 0, 0, V128, V128),
	0xE4: simdOp("f32x4.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE5: simdOp("f32x4.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE6: simdOp("f32x4.mul", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE7: simdOp("f32x4.div", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE8: simdOp("f32x4.min", SIMDImmNone, 0, 0, V128, V128, V128),
	0xE9: simdOp("f32x4.max", SIMDImmNone, 0, 0, V128, V128, V128),
	0xEA: simdOp("f32x4.pmin", SIMDImmNone, 0, 0, V128, V128, V128),
	0xEB: simdOp("f32x4.pmax", SIMDImmNone, 0, 0, V128, V128, V128),
	0xEC: simdOp("f64x2.abs", SIMDImmNone, 0, 0, V128, V128),
	0xED: simdOp("f64x2.neg", SIMDImmNone, 0, 0, V128, V128),
	0xEF: simdOp("f64x2.sqrt", SIMDImmNone, 0, 0, V128, V128),
	0xF0: simdOp("f64x2.add", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF1: simdOp("f64x2.sub", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF2: simdOp("f64x2.mul", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF3: simdOp("f64x2.div", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF4: simdOp("f64x2.min", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF5: simdOp("f64x2.max", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF6: simdOp("f64x2.pmin", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF7: simdOp("f64x2.pmax", SIMDImmNone, 0, 0, V128, V128, V128),
	0xF8: simdOp("i32x4.trunc_sat_f32x4_s", SIMDImmNone, 0, 0, V128, V128),
	0xF9: simdOp("i32x4.trunc_sat_f32x4_u", SIMDImmNone, 0, 0, V128, V128),
	0xFA: simdOp("f32x4.convert_i32x4_s", SIMDImmNone, 0, 0, V128, V128),
	0xFB: simdOp("f32x4.convert_i32x4_u", SIMDImmNone, 0, 0, V128, V128),
	0xFC: simdOp("i32x4.trunc_sat_f64x2_s_zero", SIMDImmNone, 0, 0, V128, V128),
	0xFD: simdOp("i32x4.trunc_sat_f64x2_u_zero", SIMDImmNone, 0, 0, V128, V128),
	0xFE: simdOp("f64x2.convert_low_i32x4_s", SIMDImmNone, 0, 0, V128, V128),
	0xFF: simdOp("f64x2.convert_low_i32x4_u", SIMDImmNone, 0, 0, V128, V128),
}
