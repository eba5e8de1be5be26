package ssatest

import "github.com/lucet-go/lucet/pkg/wasm"

// ShiftRowsN is the number of bytes ShiftRows holds at once: more than
// amd64 has registers for, with the pointer and x.
const ShiftRowsN = 11

// ShiftRows is a function (p, x i32) -> i32 in the shape of AES's
// ShiftRows after a stretch of arithmetic: x is mixed 28 times without
// touching memory, then ShiftRowsN bytes are loaded through p, all live
// at once, stored back through p in reverse order, and x is stored after
// them and returned. p lives across the arithmetic, then is used by every
// load and store: the allocator's eviction choice between it and a byte
// (regalloc's spillCost).
func ShiftRows() *wasm.Module {
	const p, x, n = 0, 1, ShiftRowsN
	var body []byte
	for i := 0; i < 28; i++ { // x = (x * 31) ^ (x >> 7)
		body = append(body, 0x20, x, 0x41, 31, 0x6c, 0x20, x, 0x41, 7, 0x76, 0x73, 0x21, x)
	}
	for i := 0; i < n; i++ { // l_i = load8_u(p + i)
		body = append(body, 0x20, p, 0x2d, 0, byte(i), 0x21, byte(2+i))
	}
	for i := 0; i < n; i++ { // store8(p + n-1-i, l_i)
		body = append(body, 0x20, p, 0x20, byte(2+i), 0x3a, 0, byte(n-1-i))
	}
	body = append(body, 0x20, p, 0x20, x, 0x3a, 0, n, 0x20, x) // store8(p + n, x); x
	return Module1([]wasm.ValType{wasm.I32, wasm.I32}, I32s, []wasm.LocalEntry{{Count: n, Type: wasm.I32}}, body...)
}

// ShiftRowsLoop is ShiftRows's shape with the loads and stores in a loop
// after a stretch of arithmetic: (p, x i32) -> i32 mixes x cold times
// without touching memory, then runs a loop 10 times that loads n bytes
// through p, all live at once, and stores them back through p reversed;
// x is stored at p + n after the loop and returned. In the loop p is used
// by every load and store; before it, it is idle for the whole stretch:
// regalloc's spillCost weighs positions by loop depth so that the
// stretch does not dilute the loop's uses.
func ShiftRowsLoop(cold, n int) *wasm.Module {
	const p, x, c = 0, 1, 2
	var body []byte
	for i := 0; i < cold; i++ { // x = (x * 31) ^ (x >> 7)
		body = append(body, 0x20, x, 0x41, 31, 0x6c, 0x20, x, 0x41, 7, 0x76, 0x73, 0x21, x)
	}
	body = append(body, 0x41, 10, 0x21, c) // c = 10
	body = append(body, 0x03, 0x40)        // loop
	for i := 0; i < n; i++ {               // l_i = load8_u(p + i)
		body = append(body, 0x20, p, 0x2d, 0, byte(i), 0x21, byte(3+i))
	}
	for i := 0; i < n; i++ { // store8(p + n-1-i, l_i)
		body = append(body, 0x20, p, 0x20, byte(3+i), 0x3a, 0, byte(n-1-i))
	}
	// c = c - 1; br_if c != 0; end
	body = append(body, 0x20, c, 0x41, 1, 0x6b, 0x22, c, 0x0d, 0, 0x0b)
	body = append(body, 0x20, p, 0x20, x, 0x3a, 0, byte(n), 0x20, x) // store8(p + n, x); x
	return Module1([]wasm.ValType{wasm.I32, wasm.I32}, I32s, []wasm.LocalEntry{{Count: uint32(1 + n), Type: wasm.I32}}, body...)
}
