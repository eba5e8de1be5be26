package validate

import (
	"encoding/binary"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Binary encoding helpers for hand-built modules.

func uleb(v uint64) []byte {
	return binary.AppendUvarint(nil, v)
}

func sleb(v int64) []byte {
	var out []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(out, c)
		}
		out = append(out, c|0x80)
	}
}

func section(id byte, payload ...[]byte) []byte {
	var p []byte
	for _, x := range payload {
		p = append(p, x...)
	}
	return append(append([]byte{id}, uleb(uint64(len(p)))...), p...)
}

// syntheticModule encodes a module with one memory, a few types and nfuncs
// bodies of about reps*~40 bytes of typical straight-line and structured
// code.
func syntheticModule(nfuncs, reps int) []byte {
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	// type 0: (i32 i32) -> i32
	out = append(out, section(1, uleb(1), []byte{0x60, 2, 0x7F, 0x7F, 1, 0x7F})...)
	funcs := uleb(uint64(nfuncs))
	for i := 0; i < nfuncs; i++ {
		funcs = append(funcs, 0)
	}
	out = append(out, section(3, funcs)...)
	out = append(out, section(5, uleb(1), []byte{0, 1})...)
	var body []byte
	body = append(body, 2, 2, 0x7F, 1, 0x7E) // locals: 2 i32, 1 i64
	for r := 0; r < reps/nfuncsDiv(nfuncs); r++ {
		body = append(body,
			0x02, 0x40, // block
			0x20, 0, 0x20, 1, 0x6A, 0x21, 2, // local.get 0 local.get 1 i32.add local.set 2
			0x20, 2, 0x28, 2, 0, 0x21, 3, // local.get 2 i32.load local.set 3
			0x20, 3, 0x45, 0x0D, 0, // local.get 3 i32.eqz br_if 0
			0x20, 0, 0xAD, 0x42, 3, 0x7E, 0x21, 4, // local.get 0 i64.extend_i32_u i64.const 3 i64.mul local.set 4
			0x20, 2, 0x20, 3, 0x36, 2, 8, // local.get 2 local.get 3 i32.store offset=8
			0x0B, // end
		)
	}
	body = append(body, 0x20, 0, 0x0B)
	code := uleb(uint64(nfuncs))
	for i := 0; i < nfuncs; i++ {
		code = append(code, uleb(uint64(len(body)))...)
		code = append(code, body...)
	}
	return append(out, section(10, code)...)
}

func nfuncsDiv(n int) int {
	if n > 100 {
		return 20
	}
	return 1
}

var _ = wasm.I32
