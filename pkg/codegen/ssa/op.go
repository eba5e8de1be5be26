package ssa

// Op is an SSA operation. Integer and float operations are generic over
// their width: the value's Type (or, for comparisons and conversions, the
// first argument's Type) selects 32 or 64 bits.
type Op uint8

const (
	OpInvalid Op = iota
	OpConst      // Aux: bits (i32 zero-extended)
	OpArg        // Aux: parameter index
	OpParam      // block parameter

	// Integer binary operations.
	OpAdd
	OpSub
	OpMul
	OpAnd
	OpOr
	OpXor
	OpShl
	OpShrS
	OpShrU
	OpRotl
	OpRotr
	OpDivS
	OpDivU
	OpRemS
	OpRemU

	// Integer unary operations.
	OpClz
	OpCtz
	OpPopcnt
	OpEqz

	// Integer comparisons (result i32 0/1).
	OpEq
	OpNe
	OpLtS
	OpLtU
	OpGtS
	OpGtU
	OpLeS
	OpLeU
	OpGeS
	OpGeU

	// Float comparisons.
	OpFEq
	OpFNe
	OpFLt
	OpFGt
	OpFLe
	OpFGe

	// Float binary operations.
	OpFAdd
	OpFSub
	OpFMul
	OpFDiv
	OpFMin
	OpFMax
	OpFCopysign

	// Float unary operations.
	OpFAbs
	OpFNeg
	OpFCeil
	OpFFloor
	OpFTrunc
	OpFNearest
	OpFSqrt

	// Conversions; the source type is Args[0].Type.
	OpWrap
	OpExtendS
	OpExtendU
	OpExtend8S
	OpExtend16S
	OpExtend32S
	OpTruncS // traps
	OpTruncU // traps
	OpTruncSatS
	OpTruncSatU
	OpConvertS
	OpConvertU
	OpDemote
	OpPromote
	OpReinterpret

	OpSelect // Args: cond, a, b

	// Memory. Load Args: addr [, memlen]; Store Args: addr, value [, memlen].
	// Aux: static offset; Aux2: the wasm opcode (width and extension).
	OpLoad
	OpStore
	OpMemLen // current memory 0 length in bytes (i64)

	OpGlobalGet // Aux: global index; Args: the cell address (OpGlobalAddr)
	OpGlobalSet // Aux: global index; Args: value, the cell address

	OpCall         // Aux: function index; Args: arguments
	OpCallIndirect // Aux: type index, Aux2: table; Args: arguments, then the element index (or its OpCallTarget)
	OpResult       // Args: the call; Aux: result index >= 1 (result 0 is the call itself)
	OpBuiltin      // Aux: abi.Builtin; Args: argument slots in order
	OpInterrupt    // checks VMInterrupt and exits to the runtime if set

	OpRefFunc   // Aux: function index
	OpTableGet  // Aux: table; Args: index
	OpTableSet  // Aux: table; Args: index, value
	OpTableSize // Aux: table

	OpFuel // Aux: fuel units to subtract from VMFuel (Options.Fuel; frontend/fuel.go)

	OpGlobalAddr // Aux: global index; the address of its cell (entry block)

	// SIMD (build_simd.go, emit_simd.go). OpSIMD: Aux2 the 0xFD
	// sub-opcode, Aux a lane index. OpShuffle: Aux, Aux2 the 16 lane
	// indices (low and high 8 bytes). v128 loads and stores are OpLoad
	// and OpStore with the SIMD opcode in Aux2.
	OpSIMD
	OpShuffle

	// OpCallTarget checks element Args[0] of table Aux2 for a
	// call_indirect of type Aux (in range, not null, of that type) and is
	// its funcref. The frontend makes one only for a table no code can
	// change (frontend.Facts), so two with the same operands are the same
	// check; the OpCallIndirect takes it as its last argument instead of
	// the index.
	OpCallTarget

	OpBswap // reverses the bytes of Args[0] (from or-trees, pass_bswap.go)

	// The high half of the double-width product of Args[0] and Args[1],
	// unsigned or signed (division by a constant, pass_divconst.go).
	OpMulHiU
	OpMulHiS

	OpCount
)

var opNames = [...]string{
	OpInvalid: "invalid", OpConst: "const", OpArg: "arg", OpParam: "param",
	OpAdd: "add", OpSub: "sub", OpMul: "mul", OpAnd: "and", OpOr: "or", OpXor: "xor",
	OpShl: "shl", OpShrS: "shr_s", OpShrU: "shr_u", OpRotl: "rotl", OpRotr: "rotr",
	OpDivS: "div_s", OpDivU: "div_u", OpRemS: "rem_s", OpRemU: "rem_u",
	OpClz: "clz", OpCtz: "ctz", OpPopcnt: "popcnt", OpEqz: "eqz",
	OpEq: "eq", OpNe: "ne", OpLtS: "lt_s", OpLtU: "lt_u", OpGtS: "gt_s", OpGtU: "gt_u",
	OpLeS: "le_s", OpLeU: "le_u", OpGeS: "ge_s", OpGeU: "ge_u",
	OpFEq: "feq", OpFNe: "fne", OpFLt: "flt", OpFGt: "fgt", OpFLe: "fle", OpFGe: "fge",
	OpFAdd: "fadd", OpFSub: "fsub", OpFMul: "fmul", OpFDiv: "fdiv", OpFMin: "fmin", OpFMax: "fmax",
	OpFCopysign: "copysign", OpFAbs: "fabs", OpFNeg: "fneg", OpFCeil: "ceil", OpFFloor: "floor",
	OpFTrunc: "ftrunc", OpFNearest: "nearest", OpFSqrt: "sqrt",
	OpWrap: "wrap", OpExtendS: "extend_s", OpExtendU: "extend_u", OpExtend8S: "extend8_s",
	OpExtend16S: "extend16_s", OpExtend32S: "extend32_s", OpTruncS: "trunc_s", OpTruncU: "trunc_u",
	OpTruncSatS: "trunc_sat_s", OpTruncSatU: "trunc_sat_u", OpConvertS: "convert_s",
	OpConvertU: "convert_u", OpDemote: "demote", OpPromote: "promote", OpReinterpret: "reinterpret",
	OpSelect: "select", OpLoad: "load", OpStore: "store", OpMemLen: "memlen",
	OpGlobalGet: "global.get", OpGlobalSet: "global.set", OpCall: "call",
	OpCallIndirect: "call_indirect", OpResult: "result", OpBuiltin: "builtin", OpInterrupt: "interrupt",
	OpRefFunc: "ref.func", OpTableGet: "table.get", OpTableSet: "table.set", OpTableSize: "table.size",
	OpFuel: "fuel", OpGlobalAddr: "global.addr", OpSIMD: "simd", OpShuffle: "shuffle",
	OpCallTarget: "call_target", OpBswap: "bswap", OpMulHiU: "mulhi_u", OpMulHiS: "mulhi_s",
}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return "op?"
}

// opInfo holds static properties of each op.
type opInfo struct {
	effect      bool // must be kept even when unused (stores, calls, traps)
	Call        bool // clobbers every allocatable register
	Commutative bool
}

// OpInfos is a keyed array literal, which the linker lays out: linking the
// compiler costs no start-up work.
var OpInfos = [OpCount]opInfo{
	OpCall:         {effect: true, Call: true},
	OpCallIndirect: {effect: true, Call: true},
	OpBuiltin:      {effect: true, Call: true},
	OpInterrupt:    {effect: true, Call: true},

	OpStore: {effect: true}, OpGlobalSet: {effect: true}, OpTableSet: {effect: true},
	OpDivS: {effect: true}, OpDivU: {effect: true}, OpRemS: {effect: true}, OpRemU: {effect: true},
	OpTruncS: {effect: true}, OpTruncU: {effect: true}, OpLoad: {effect: true},
	OpTableGet: {effect: true}, OpFuel: {effect: true}, OpCallTarget: {effect: true},

	OpAdd: {Commutative: true}, OpMul: {Commutative: true}, OpAnd: {Commutative: true},
	OpOr: {Commutative: true}, OpXor: {Commutative: true}, OpEq: {Commutative: true},
	OpNe: {Commutative: true}, OpFAdd: {Commutative: true}, OpFMul: {Commutative: true},
	OpMulHiU: {Commutative: true}, OpMulHiS: {Commutative: true},
}

// IsCompare reports whether o is an integer comparison that can fuse into
// a conditional branch.
func IsCompare(o Op) bool { return o >= OpEq && o <= OpGeU || o == OpEqz }

// IsFloatCompare reports whether o is a float comparison.
func IsFloatCompare(o Op) bool { return o >= OpFEq && o <= OpFGe }
