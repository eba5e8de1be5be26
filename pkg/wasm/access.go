package wasm

// Access describes a scalar load or store: the bytes it reads or writes
// (also its natural alignment), the type of the value loaded or stored,
// and whether it stores. The validator, the SSA builder, the baseline
// emitter and bounds-check elimination all read it from here.
type Access struct {
	Size  uint8
	Type  ValType
	Store bool
}

// scalarAccesses is indexed by opcode - OpI32Load.
var scalarAccesses = [...]Access{
	OpI32Load - OpI32Load:    {4, I32, false},
	OpI64Load - OpI32Load:    {8, I64, false},
	OpF32Load - OpI32Load:    {4, F32, false},
	OpF64Load - OpI32Load:    {8, F64, false},
	OpI32Load8S - OpI32Load:  {1, I32, false},
	OpI32Load8U - OpI32Load:  {1, I32, false},
	OpI32Load16S - OpI32Load: {2, I32, false},
	OpI32Load16U - OpI32Load: {2, I32, false},
	OpI64Load8S - OpI32Load:  {1, I64, false},
	OpI64Load8U - OpI32Load:  {1, I64, false},
	OpI64Load16S - OpI32Load: {2, I64, false},
	OpI64Load16U - OpI32Load: {2, I64, false},
	OpI64Load32S - OpI32Load: {4, I64, false},
	OpI64Load32U - OpI32Load: {4, I64, false},
	OpI32Store - OpI32Load:   {4, I32, true},
	OpI64Store - OpI32Load:   {8, I64, true},
	OpF32Store - OpI32Load:   {4, F32, true},
	OpF64Store - OpI32Load:   {8, F64, true},
	OpI32Store8 - OpI32Load:  {1, I32, true},
	OpI32Store16 - OpI32Load: {2, I32, true},
	OpI64Store8 - OpI32Load:  {1, I64, true},
	OpI64Store16 - OpI32Load: {2, I64, true},
	OpI64Store32 - OpI32Load: {4, I64, true},
}

// ScalarAccess describes op if it is a scalar load or store (i32.load
// through i64.store32); ok is false for any other opcode.
func ScalarAccess(op Opcode) (a Access, ok bool) {
	if op < OpI32Load || op > OpI64Store32 {
		return Access{}, false
	}
	return scalarAccesses[op-OpI32Load], true
}
