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

// simdTable is indexed by sub-opcode; holes have an empty Name. It is a
// static literal, laid out by the linker: no package initialisation.
var simdTable = [256]SIMDInfo{
	0x00: {Name: "v128.load", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 16},
	0x01: {Name: "v128.load8x8_s", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x02: {Name: "v128.load8x8_u", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x03: {Name: "v128.load16x4_s", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x04: {Name: "v128.load16x4_u", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x05: {Name: "v128.load32x2_s", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x06: {Name: "v128.load32x2_u", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x07: {Name: "v128.load8_splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 1},
	0x08: {Name: "v128.load16_splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 2},
	0x09: {Name: "v128.load32_splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 4},
	0x0A: {Name: "v128.load64_splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x0B: {Name: "v128.store", Params: [3]ValType{I32, V128}, NumParams: 2, Imm: SIMDImmMemArg, MemSize: 16},
	0x0C: {Name: "v128.const", Result: V128, Imm: SIMDImmV128},
	0x0D: {Name: "i8x16.shuffle", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128, Imm: SIMDImmShuffle, Lanes: 32},
	0x0E: {Name: "i8x16.swizzle", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x0F: {Name: "i8x16.splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128},
	0x10: {Name: "i16x8.splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128},
	0x11: {Name: "i32x4.splat", Params: [3]ValType{I32}, NumParams: 1, Result: V128},
	0x12: {Name: "i64x2.splat", Params: [3]ValType{I64}, NumParams: 1, Result: V128},
	0x13: {Name: "f32x4.splat", Params: [3]ValType{F32}, NumParams: 1, Result: V128},
	0x14: {Name: "f64x2.splat", Params: [3]ValType{F64}, NumParams: 1, Result: V128},
	0x15: {Name: "i8x16.extract_lane_s", Params: [3]ValType{V128}, NumParams: 1, Result: I32, Imm: SIMDImmLane, Lanes: 16},
	0x16: {Name: "i8x16.extract_lane_u", Params: [3]ValType{V128}, NumParams: 1, Result: I32, Imm: SIMDImmLane, Lanes: 16},
	0x17: {Name: "i8x16.replace_lane", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 16},
	0x18: {Name: "i16x8.extract_lane_s", Params: [3]ValType{V128}, NumParams: 1, Result: I32, Imm: SIMDImmLane, Lanes: 8},
	0x19: {Name: "i16x8.extract_lane_u", Params: [3]ValType{V128}, NumParams: 1, Result: I32, Imm: SIMDImmLane, Lanes: 8},
	0x1A: {Name: "i16x8.replace_lane", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 8},
	0x1B: {Name: "i32x4.extract_lane", Params: [3]ValType{V128}, NumParams: 1, Result: I32, Imm: SIMDImmLane, Lanes: 4},
	0x1C: {Name: "i32x4.replace_lane", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 4},
	0x1D: {Name: "i64x2.extract_lane", Params: [3]ValType{V128}, NumParams: 1, Result: I64, Imm: SIMDImmLane, Lanes: 2},
	0x1E: {Name: "i64x2.replace_lane", Params: [3]ValType{V128, I64}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 2},
	0x1F: {Name: "f32x4.extract_lane", Params: [3]ValType{V128}, NumParams: 1, Result: F32, Imm: SIMDImmLane, Lanes: 4},
	0x20: {Name: "f32x4.replace_lane", Params: [3]ValType{V128, F32}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 4},
	0x21: {Name: "f64x2.extract_lane", Params: [3]ValType{V128}, NumParams: 1, Result: F64, Imm: SIMDImmLane, Lanes: 2},
	0x22: {Name: "f64x2.replace_lane", Params: [3]ValType{V128, F64}, NumParams: 2, Result: V128, Imm: SIMDImmLane, Lanes: 2},
	0x23: {Name: "i8x16.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x24: {Name: "i8x16.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x25: {Name: "i8x16.lt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x26: {Name: "i8x16.lt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x27: {Name: "i8x16.gt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x28: {Name: "i8x16.gt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x29: {Name: "i8x16.le_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2A: {Name: "i8x16.le_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2B: {Name: "i8x16.ge_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2C: {Name: "i8x16.ge_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2D: {Name: "i16x8.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2E: {Name: "i16x8.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x2F: {Name: "i16x8.lt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x30: {Name: "i16x8.lt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x31: {Name: "i16x8.gt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x32: {Name: "i16x8.gt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x33: {Name: "i16x8.le_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x34: {Name: "i16x8.le_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x35: {Name: "i16x8.ge_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x36: {Name: "i16x8.ge_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x37: {Name: "i32x4.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x38: {Name: "i32x4.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x39: {Name: "i32x4.lt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3A: {Name: "i32x4.lt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3B: {Name: "i32x4.gt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3C: {Name: "i32x4.gt_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3D: {Name: "i32x4.le_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3E: {Name: "i32x4.le_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x3F: {Name: "i32x4.ge_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x40: {Name: "i32x4.ge_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x41: {Name: "f32x4.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x42: {Name: "f32x4.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x43: {Name: "f32x4.lt", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x44: {Name: "f32x4.gt", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x45: {Name: "f32x4.le", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x46: {Name: "f32x4.ge", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x47: {Name: "f64x2.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x48: {Name: "f64x2.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x49: {Name: "f64x2.lt", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x4A: {Name: "f64x2.gt", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x4B: {Name: "f64x2.le", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x4C: {Name: "f64x2.ge", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x4D: {Name: "v128.not", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x4E: {Name: "v128.and", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x4F: {Name: "v128.andnot", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x50: {Name: "v128.or", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x51: {Name: "v128.xor", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x52: {Name: "v128.bitselect", Params: [3]ValType{V128, V128, V128}, NumParams: 3, Result: V128},
	0x53: {Name: "v128.any_true", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0x54: {Name: "v128.load8_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Result: V128, Imm: SIMDImmMemArgLane, MemSize: 1, Lanes: 16},
	0x55: {Name: "v128.load16_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Result: V128, Imm: SIMDImmMemArgLane, MemSize: 2, Lanes: 8},
	0x56: {Name: "v128.load32_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Result: V128, Imm: SIMDImmMemArgLane, MemSize: 4, Lanes: 4},
	0x57: {Name: "v128.load64_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Result: V128, Imm: SIMDImmMemArgLane, MemSize: 8, Lanes: 2},
	0x58: {Name: "v128.store8_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Imm: SIMDImmMemArgLane, MemSize: 1, Lanes: 16},
	0x59: {Name: "v128.store16_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Imm: SIMDImmMemArgLane, MemSize: 2, Lanes: 8},
	0x5A: {Name: "v128.store32_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Imm: SIMDImmMemArgLane, MemSize: 4, Lanes: 4},
	0x5B: {Name: "v128.store64_lane", Params: [3]ValType{I32, V128}, NumParams: 2, Imm: SIMDImmMemArgLane, MemSize: 8, Lanes: 2},
	0x5C: {Name: "v128.load32_zero", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 4},
	0x5D: {Name: "v128.load64_zero", Params: [3]ValType{I32}, NumParams: 1, Result: V128, Imm: SIMDImmMemArg, MemSize: 8},
	0x5E: {Name: "f32x4.demote_f64x2_zero", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x5F: {Name: "f64x2.promote_low_f32x4", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x60: {Name: "i8x16.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x61: {Name: "i8x16.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x62: {Name: "i8x16.popcnt", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x63: {Name: "i8x16.all_true", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0x64: {Name: "i8x16.bitmask", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0x65: {Name: "i8x16.narrow_i16x8_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x66: {Name: "i8x16.narrow_i16x8_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x67: {Name: "f32x4.ceil", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x68: {Name: "f32x4.floor", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x69: {Name: "f32x4.trunc", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x6A: {Name: "f32x4.nearest", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x6B: {Name: "i8x16.shl", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x6C: {Name: "i8x16.shr_s", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x6D: {Name: "i8x16.shr_u", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x6E: {Name: "i8x16.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x6F: {Name: "i8x16.add_sat_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x70: {Name: "i8x16.add_sat_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x71: {Name: "i8x16.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x72: {Name: "i8x16.sub_sat_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x73: {Name: "i8x16.sub_sat_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x74: {Name: "f64x2.ceil", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x75: {Name: "f64x2.floor", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x76: {Name: "i8x16.min_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x77: {Name: "i8x16.min_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x78: {Name: "i8x16.max_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x79: {Name: "i8x16.max_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x7A: {Name: "f64x2.trunc", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x7B: {Name: "i8x16.avgr_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x7C: {Name: "i16x8.extadd_pairwise_i8x16_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x7D: {Name: "i16x8.extadd_pairwise_i8x16_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x7E: {Name: "i32x4.extadd_pairwise_i16x8_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x7F: {Name: "i32x4.extadd_pairwise_i16x8_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x80: {Name: "i16x8.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x81: {Name: "i16x8.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x82: {Name: "i16x8.q15mulr_sat_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x83: {Name: "i16x8.all_true", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0x84: {Name: "i16x8.bitmask", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0x85: {Name: "i16x8.narrow_i32x4_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x86: {Name: "i16x8.narrow_i32x4_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x87: {Name: "i16x8.extend_low_i8x16_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x88: {Name: "i16x8.extend_high_i8x16_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x89: {Name: "i16x8.extend_low_i8x16_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x8A: {Name: "i16x8.extend_high_i8x16_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x8B: {Name: "i16x8.shl", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x8C: {Name: "i16x8.shr_s", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x8D: {Name: "i16x8.shr_u", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0x8E: {Name: "i16x8.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x8F: {Name: "i16x8.add_sat_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x90: {Name: "i16x8.add_sat_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x91: {Name: "i16x8.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x92: {Name: "i16x8.sub_sat_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x93: {Name: "i16x8.sub_sat_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x94: {Name: "f64x2.nearest", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0x95: {Name: "i16x8.mul", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x96: {Name: "i16x8.min_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x97: {Name: "i16x8.min_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x98: {Name: "i16x8.max_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x99: {Name: "i16x8.max_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x9B: {Name: "i16x8.avgr_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x9C: {Name: "i16x8.extmul_low_i8x16_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x9D: {Name: "i16x8.extmul_high_i8x16_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x9E: {Name: "i16x8.extmul_low_i8x16_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0x9F: {Name: "i16x8.extmul_high_i8x16_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xA0: {Name: "i32x4.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xA1: {Name: "i32x4.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xA3: {Name: "i32x4.all_true", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0xA4: {Name: "i32x4.bitmask", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0xA7: {Name: "i32x4.extend_low_i16x8_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xA8: {Name: "i32x4.extend_high_i16x8_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xA9: {Name: "i32x4.extend_low_i16x8_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xAA: {Name: "i32x4.extend_high_i16x8_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xAB: {Name: "i32x4.shl", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xAC: {Name: "i32x4.shr_s", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xAD: {Name: "i32x4.shr_u", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xAE: {Name: "i32x4.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB1: {Name: "i32x4.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB5: {Name: "i32x4.mul", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB6: {Name: "i32x4.min_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB7: {Name: "i32x4.min_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB8: {Name: "i32x4.max_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xB9: {Name: "i32x4.max_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xBA: {Name: "i32x4.dot_i16x8_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xBC: {Name: "i32x4.extmul_low_i16x8_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xBD: {Name: "i32x4.extmul_high_i16x8_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xBE: {Name: "i32x4.extmul_low_i16x8_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xBF: {Name: "i32x4.extmul_high_i16x8_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xC0: {Name: "i64x2.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xC1: {Name: "i64x2.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xC3: {Name: "i64x2.all_true", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0xC4: {Name: "i64x2.bitmask", Params: [3]ValType{V128}, NumParams: 1, Result: I32},
	0xC7: {Name: "i64x2.extend_low_i32x4_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xC8: {Name: "i64x2.extend_high_i32x4_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xC9: {Name: "i64x2.extend_low_i32x4_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xCA: {Name: "i64x2.extend_high_i32x4_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xCB: {Name: "i64x2.shl", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xCC: {Name: "i64x2.shr_s", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xCD: {Name: "i64x2.shr_u", Params: [3]ValType{V128, I32}, NumParams: 2, Result: V128},
	0xCE: {Name: "i64x2.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD1: {Name: "i64x2.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD5: {Name: "i64x2.mul", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD6: {Name: "i64x2.eq", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD7: {Name: "i64x2.ne", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD8: {Name: "i64x2.lt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xD9: {Name: "i64x2.gt_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDA: {Name: "i64x2.le_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDB: {Name: "i64x2.ge_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDC: {Name: "i64x2.extmul_low_i32x4_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDD: {Name: "i64x2.extmul_high_i32x4_s", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDE: {Name: "i64x2.extmul_low_i32x4_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xDF: {Name: "i64x2.extmul_high_i32x4_u", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE0: {Name: "f32x4.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xE1: {Name: "f32x4.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xE3: {Name: "f32x4.sqrt", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xE4: {Name: "f32x4.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE5: {Name: "f32x4.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE6: {Name: "f32x4.mul", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE7: {Name: "f32x4.div", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE8: {Name: "f32x4.min", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xE9: {Name: "f32x4.max", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xEA: {Name: "f32x4.pmin", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xEB: {Name: "f32x4.pmax", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xEC: {Name: "f64x2.abs", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xED: {Name: "f64x2.neg", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xEF: {Name: "f64x2.sqrt", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xF0: {Name: "f64x2.add", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF1: {Name: "f64x2.sub", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF2: {Name: "f64x2.mul", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF3: {Name: "f64x2.div", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF4: {Name: "f64x2.min", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF5: {Name: "f64x2.max", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF6: {Name: "f64x2.pmin", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF7: {Name: "f64x2.pmax", Params: [3]ValType{V128, V128}, NumParams: 2, Result: V128},
	0xF8: {Name: "i32x4.trunc_sat_f32x4_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xF9: {Name: "i32x4.trunc_sat_f32x4_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFA: {Name: "f32x4.convert_i32x4_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFB: {Name: "f32x4.convert_i32x4_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFC: {Name: "i32x4.trunc_sat_f64x2_s_zero", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFD: {Name: "i32x4.trunc_sat_f64x2_u_zero", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFE: {Name: "f64x2.convert_low_i32x4_s", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
	0xFF: {Name: "f64x2.convert_low_i32x4_u", Params: [3]ValType{V128}, NumParams: 1, Result: V128},
}
