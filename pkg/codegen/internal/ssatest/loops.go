package ssatest

import "github.com/lucet-go/lucet/pkg/wasm"

// LoopShape selects what LoopPressure puts in and around its loop.
type LoopShape struct {
	Long     int  // values defined before the loop, used in it and after it
	Pressure int  // products live at once before the loop, in a loop of their own
	InLoop   int  // products live at once inside the loop (0: none)
	Call     bool // the loop calls the function itself (flag set: it returns at once)
	Nested   bool // an inner loop of three rounds uses the last long value
	Load     bool // the loop loads from memory at v0 + 4*i (traps past the page)
}

// LoopPressure is a function (p0, n, flag i32) -> i32 whose long-lived
// values are spilled by the pressure before a loop that runs n rounds and
// uses them, with registers to spare there unless InLoop asks otherwise:
// the shape of the allocator's loop-entry splitting (regalloc/split.go).
// With flag set it returns p0+1 at once (the target of Call).
func LoopPressure(s LoopShape) *wasm.Module {
	get := func(i int) []byte { return []byte{0x20, byte(i)} }
	set := func(i int) []byte { return []byte{0x21, byte(i)} }
	c32 := func(v int) []byte { return []byte{0x41, byte(v & 0x3f)} } // small non-negative constants
	const p0, n, flag = 0, 1, 2
	long := 3
	tmp := long + s.Long
	in := tmp + s.Pressure
	i, j, acc := in+s.InLoop, in+s.InLoop+1, in+s.InLoop+2
	nLocals := acc + 1 - 3
	var b []byte
	add := func(parts ...[]byte) {
		for _, p := range parts {
			b = append(b, p...)
		}
	}
	// if flag { return p0 + 1 }
	add(get(flag), []byte{0x04, 0x40}, get(p0), c32(1), []byte{0x6a, 0x0f, 0x0b})
	for k := 0; k < s.Long; k++ { // v_k = p0 * (k+3) + k
		add(get(p0), c32(k+3), []byte{0x6c}, c32(k), []byte{0x6a}, set(long+k))
	}
	// A loop of one round makes the pressure weigh as much as the loop
	// after it: t_m = (p0 ^ n) * (m+5), all live, then xored into acc (a
	// chain of xors: -O 2 would rebalance adds, ssa/pass_reassoc.go, and
	// combine the first products before the last are made).
	add([]byte{0x03, 0x40})
	for m := 0; m < s.Pressure; m++ {
		add(get(p0), get(n), []byte{0x73}, c32(m+5), []byte{0x6c}, set(tmp+m))
	}
	add(get(acc))
	for m := 0; m < s.Pressure; m++ {
		add(get(tmp+m), []byte{0x73})
	}
	add(set(acc), get(flag), []byte{0x0d, 0}, []byte{0x0b}) // br_if flag: once, flag is 0 here
	// block { loop { if i >=u n break; ...; i++; continue } }
	add([]byte{0x02, 0x40, 0x03, 0x40}, get(i), get(n), []byte{0x4f, 0x0d, 1})
	for k := 0; k < s.Long; k++ { // acc += v_k ^ i
		add(get(acc), get(long+k), get(i), []byte{0x73, 0x6a}, set(acc))
	}
	for m := 0; m < s.InLoop; m++ { // u_m = i * (acc + m), all live, summed
		add(get(i), get(acc), c32(m), []byte{0x6a, 0x6c}, set(in+m))
	}
	for m := 0; m < s.InLoop; m++ {
		add(get(acc), get(in+m), []byte{0x73}, set(acc))
	}
	if s.Nested && s.Long > 0 { // j = 0; loop { acc = (acc ^ rotl(v_last, j)) + j; j++; br_if j <u 3 }
		add(c32(0), set(j), []byte{0x03, 0x40}, get(acc), get(long+s.Long-1), get(j), []byte{0x77, 0x73}, get(j), []byte{0x6a}, set(acc))
		add(get(j), c32(1), []byte{0x6a, 0x22, byte(j)}, c32(3), []byte{0x49, 0x0d, 0, 0x0b})
	}
	if s.Call { // acc += f(acc, i, 1)
		add(get(acc), get(acc), get(i), c32(1), []byte{0x10, 0, 0x6a}, set(acc))
	}
	if s.Load && s.Long > 0 { // acc += load(v0 + 4*i)
		add(get(acc), get(long), get(i), c32(2), []byte{0x74, 0x6a, 0x28, 2, 0, 0x6a}, set(acc))
	}
	add(get(i), c32(1), []byte{0x6a}, set(i), []byte{0x0c, 0, 0x0b, 0x0b})
	add(get(acc))
	for k := 0; k < s.Long; k++ {
		add(get(long+k), []byte{0x6a})
	}
	return Module1([]wasm.ValType{wasm.I32, wasm.I32, wasm.I32}, I32s, []wasm.LocalEntry{{Count: uint32(nLocals), Type: wasm.I32}}, b...)
}
