package codegen_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
)

// TestLoopIdiomExec runs the copy and fill loops of testdata/idiom (the
// shapes clang -O2 makes of wasi-libc's byte and word loops) at -O 0,
// where they stay loops, and -O 2, where ssa's loopIdioms versions them
// into memory.copy and memory.fill, in both bounds modes: every call
// must leave the same memory and end the same way, the same trap at the
// same wasm offset included. The cases cross the versioning conditions:
// overlap either way (an element loop replicates where memmove would
// not), partly out of bounds (the loop writes a prefix, then traps),
// addresses wrapping around 4 GiB, zero and huge counts, a word fill of a
// value whose bytes differ.
func TestLoopIdiomExec(t *testing.T) {
	m := loadWasm(t, "testdata/idiom/idiom.wasm")
	const memSize = 2 << 16
	type tc struct {
		fn      string
		d, s, n uint64 // fills take (d, n) or (d, s as the byte, n)
		wx      uint32 // copy_merge*_w: the carried word differs from memory at s in these bits
	}
	var cases []tc
	copies := []struct {
		fn   string
		size uint64
	}{{"copy_back8", 1}, {"copy_fwd8", 1}, {"copy_fwd32", 4}, {"copy_back32", 4}, {"copy_fwd64", 8},
		{"copy_words_rem", 1}, {"copy_words_wrap", 1}, {"copy_pairs_swapped", 8}}
	for _, c := range copies {
		for _, n := range []uint64{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 100, 1000, 1003} {
			for _, dist := range []int64{-1000 * 8, -9, -8, -5, -4, -3, -1, 0, 1, 3, 4, 5, 8, 9, 1000 * 8} {
				s := uint64(20000)
				cases = append(cases, tc{c.fn, uint64(int64(s) + dist), s, n, 0})
			}
		}
		// Partly out of bounds, each range; a count past the end of
		// memory; addresses that wrap around 4 GiB.
		end := uint64(memSize)
		cases = append(cases,
			tc{c.fn, end - 10*c.size, 1000, 20, 0}, tc{c.fn, 1000, end - 10*c.size, 20, 0},
			tc{c.fn, end - 10*c.size - 1, 1000, 20, 0}, tc{c.fn, 1000, end - 3, 20, 0},
			tc{c.fn, 500, 100, 0xFFFFFFFF, 0}, tc{c.fn, 100, 500, 0x3FFFFFFF, 0},
			tc{c.fn, 0xFFFFFFF0, 100, 40, 0}, tc{c.fn, 100, 0xFFFFFFF8, 40, 0},
			tc{c.fn, 16, 100, 0x40000001, 0},
		)
	}
	// musl memcpy's merged-word loops (R bytes copied first, then words
	// of bytes R.. of the carried word and 0..R-1 of the next): every
	// misalignment, overlaps both ways, and the _w variants with the
	// carried word matching memory, differing in a byte the loop stores
	// (it must run) or only in one it does not; r 0 is copy_merge_skew,
	// whose words are no copy.
	for r := 0; r <= 3; r++ {
		fn := fmt.Sprintf("copy_merge%d", r)
		if r == 0 {
			fn = "copy_merge_skew"
		}
		for _, n := range []uint64{31, 32, 33, 35, 36, 51, 52, 64, 100, 200, 1000, 1001, 1002, 1003} {
			for _, dist := range []int64{-8000, -33, -20, -19, -17, -16, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 16, 17, 19, 20, 33, 8000} {
				s := uint64(20000)
				d := uint64(int64(s) + dist)
				cases = append(cases, tc{fn: fn, d: d, s: s, n: n})
				for _, wx := range []uint32{0, 0xff000000, 0x00ff0000, 0x000000ff} {
					if r == 0 {
						break
					}
					cases = append(cases, tc{fn: fn + "_w", d: d, s: s, n: n, wx: wx})
				}
			}
		}
		end := uint64(memSize)
		for _, c := range []tc{{d: end - 40, s: 1000, n: 80}, {d: 1000, s: end - 40, n: 80}, {d: 1000, s: end - 66, n: 64},
			{d: 1000, s: end - 67, n: 64}, {d: 1000, s: end - 68, n: 64}, {d: 1000, s: end - 65, n: 64},
			{d: end - 63, s: 1000, n: 64}, {d: 500, s: 100, n: 0xFFFFFFFF}, {d: 0xFFFFFFF0, s: 100, n: 64},
			{d: 100, s: 0xFFFFFFF8, n: 64}, {d: 100, s: 0xFFFFFFFE, n: 64}} {
			c.fn = fn
			cases = append(cases, c)
			if r > 0 {
				c.fn += "_w"
				cases = append(cases, c)
			}
		}
	}
	for _, d := range []uint64{0, 1, 3, 4096, 4097, memSize - 50, memSize - 4, 0xFFFFFFF0} {
		for _, n := range []uint64{0, 1, 2, 5, 13, 100, 1000, 0xFFFFFFFF} {
			cases = append(cases, tc{"fill8", d, 0x1A5, n, 0}, tc{"fill32_uniform", d, 0, n, 0}, tc{"fill32_mixed", d, 0, n, 0})
		}
	}
	type outcome struct {
		err string
		off uint32
		mem []byte
	}
	run := func(t *testing.T, opts codegen.Options) []outcome {
		inst := compileInstance(t, m, opts)
		mem := inst.Memory().Bytes()
		var out []outcome
		for _, c := range cases {
			for i := range mem {
				mem[i] = byte(i*7 + i>>8)
			}
			args := []uint64{c.d, c.s, c.n}
			if c.fn == "fill32_uniform" || c.fn == "fill32_mixed" {
				args = []uint64{c.d, c.n}
			}
			if strings.HasSuffix(c.fn, "_w") {
				var w uint32
				if c.s+4 <= uint64(len(mem)) {
					w = binary.LittleEndian.Uint32(mem[c.s:])
				}
				args = append(args, uint64(w^c.wx))
			}
			_, err := inst.Func(c.fn).Call(args...)
			var o outcome
			var trap *execute.Trap
			switch {
			case errors.As(err, &trap):
				o.err, o.off = fmt.Sprintf("trap %v", trap.Code), trap.WasmOffset
			case err != nil:
				t.Fatalf("%+v: %v", c, err)
			}
			o.mem = bytes.Clone(mem)
			out = append(out, o)
		}
		return out
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			o0, o2 := bm.opts, bm.opts
			o0.OptLevel, o2.OptLevel = 0, 2
			want, got := run(t, o0), run(t, o2)
			for i, c := range cases {
				if want[i].err != "" && want[i].off == 0 {
					t.Errorf("%+v: -O 0 %q has no wasm offset", c, want[i].err)
				}
				if got[i].err != want[i].err || got[i].off != want[i].off {
					t.Errorf("%+v: -O 2 %q at %#x, -O 0 %q at %#x", c, got[i].err, got[i].off, want[i].err, want[i].off)
				} else if !bytes.Equal(got[i].mem, want[i].mem) {
					t.Errorf("%+v: memory differs between -O 2 and -O 0", c)
				}
			}
		})
	}
}
