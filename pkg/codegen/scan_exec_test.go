package codegen_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// scanCase is one call of a testdata/scan function over memory set up by
// prep (a pattern with no terminator, needle or difference; then the
// case's bytes).
type scanCase struct {
	fn   string
	args []uint64
	prep func(mem []byte)
	grow bool // grow the memory by a page before the call
}

// scanCases are the calls TestScanExec makes: every function of
// testdata/scan at lengths 0..70 from 16 alignments, with the byte that
// ends the scan at every position and nowhere (then a neighbouring
// byte, or the end of memory, ends it, or the scan traps), scans that
// run to the end of the memory, before and after it grew, and bounds
// (counts, end pointers) below, at and past the scanned bytes.
func scanCases(memSize uint64) []scanCase {
	var cs []scanCase
	const base = 4096
	pattern := func(mem []byte, lo, hi uint64, b byte) {
		for i := lo; i < hi && i < uint64(len(mem)); i++ {
			mem[i] = b + byte(i*7%19)
		}
	}
	put := func(mem []byte, at uint64, b byte) {
		if at < uint64(len(mem)) {
			mem[at] = b
		}
	}
	for a := uint64(0); a < 16; a++ {
		s := base + a
		for n := uint64(0); n <= 70; n++ {
			// Terminated strings: the zero (or needle) at s+n.
			for _, fn := range []string{"musl_strlen", "strlen_bytes", "scan_until", "musl_strchrnul", "skip_spaces", "find_neg"} {
				args := []uint64{s}
				end := byte(0)
				switch fn {
				case "scan_until", "musl_strchrnul":
					args = append(args, 'z')
					if n%2 == 0 {
						end = 'z' // else the zero ends the scan
					}
				case "skip_spaces":
					end = 'x'
				case "find_neg":
					end = 0xFD
				}
				cs = append(cs, scanCase{fn: fn, args: args, prep: func(mem []byte) {
					pattern(mem, s-16, s+n+64, 'a')
					if fn == "skip_spaces" {
						for i := s; i < s+n; i++ {
							mem[i] = ' '
						}
					}
					put(mem, s+n, end)
					if len(args) > 1 {
						put(mem, s+n+5, 0) // after the needle
					}
				}})
			}
			// Bounded scans: the needle at every position, or none
			// (from fewer alignments: these are most of the calls).
			for pos := uint64(0); pos <= n && a%4 != 2 && a < 14; pos++ {
				cs = append(cs,
					scanCase{fn: "musl_memchr", args: []uint64{s, 'z' | 0x100, n}, prep: func(mem []byte) {
						pattern(mem, s-16, s+n+64, 'a')
						put(mem, s+pos, 'z')
						put(mem, s+n+1, 'z')
					}},
					scanCase{fn: "index_of", args: []uint64{s, 'z', n}, prep: func(mem []byte) {
						pattern(mem, s-16, s+n+64, 'a')
						put(mem, s+pos, 'z')
					}},
					scanCase{fn: "find_end", args: []uint64{s, s + n, 'z'}, prep: func(mem []byte) {
						pattern(mem, s-16, s+n+64, 'a')
						put(mem, s+pos, 'z')
					}},
				)
				// Two strings differing at pos (or equal for n bytes), the
				// second at another alignment.
				for _, d := range []uint64{0, 17} {
					r := s + 1000 + d
					cs = append(cs,
						scanCase{fn: "musl_memcmp", args: []uint64{s, r, n}, prep: func(mem []byte) {
							pattern(mem, s, s+n+64, 'a')
							copy(mem[r:r+n+64], mem[s:s+n+64])
							put(mem, r+pos, 'A')
						}},
						scanCase{fn: "bytes_strcmp", args: []uint64{s, r}, prep: func(mem []byte) {
							pattern(mem, s, s+n+64, 'a')
							copy(mem[r:r+n+64], mem[s:s+n+64])
							put(mem, s+n, 0)
							put(mem, r+n, 0)
							put(mem, r+pos, 0x80)
						}},
					)
				}
			}
		}
	}
	// Scans that reach the end of memory: no terminator, or one in the
	// last bytes; the memory grown first (the scan then goes on into the
	// new page) or not.
	for _, grow := range []bool{false, true} {
		for k := uint64(0); k <= 40; k++ {
			s := memSize - k
			for _, last := range []int{-1, 0, 1, 5} {
				prep := func(mem []byte) {
					pattern(mem, memSize-200, uint64(len(mem)), 'a')
					if last >= 0 && uint64(last) < k {
						mem[memSize-1-uint64(last)] = 0
					}
				}
				prepZ := func(mem []byte) {
					prep(mem)
					if last >= 0 && uint64(last) < k {
						mem[memSize-1-uint64(last)] = 'z'
					}
				}
				cs = append(cs,
					scanCase{fn: "musl_strlen", args: []uint64{s}, prep: prep, grow: grow},
					scanCase{fn: "strlen_bytes", args: []uint64{s}, prep: prep, grow: grow},
					scanCase{fn: "scan_until", args: []uint64{s, 'z'}, prep: prepZ, grow: grow},
					scanCase{fn: "musl_strchrnul", args: []uint64{s, 'z'}, prep: prepZ, grow: grow},
					scanCase{fn: "musl_strchrnul", args: []uint64{s, 0}, prep: prep, grow: grow},
					scanCase{fn: "musl_memchr", args: []uint64{s, 'z', k + 100}, prep: prepZ, grow: grow},
					scanCase{fn: "musl_memchr", args: []uint64{s, 'z', 0xFFFFFFFF}, prep: prepZ, grow: grow},
					scanCase{fn: "index_of", args: []uint64{s, 'z', k + 3}, prep: prepZ, grow: grow},
					scanCase{fn: "find_end", args: []uint64{s, 0, 'z'}, prep: prepZ, grow: grow},
					scanCase{fn: "musl_memcmp", args: []uint64{s, s - 3000, 1000}, prep: func(mem []byte) {
						prep(mem)
						copy(mem[s-3000:], mem[s:memSize])
					}, grow: grow},
					scanCase{fn: "musl_memcmp", args: []uint64{s - 3000, s, 1000}, prep: func(mem []byte) {
						prep(mem)
						copy(mem[s-3000:], mem[s:memSize])
					}, grow: grow},
				)
			}
		}
	}
	// Addresses near 4 GiB and counts that wrap.
	for _, s := range []uint64{0xFFFFFFF0, 0xFFFFFFFF, 0} {
		cs = append(cs,
			scanCase{fn: "musl_strlen", args: []uint64{s}, prep: func([]byte) {}},
			scanCase{fn: "musl_memchr", args: []uint64{s, 'z', 40}, prep: func([]byte) {}},
			scanCase{fn: "index_of", args: []uint64{s, 'z', 0xFFFFFFFF}, prep: func([]byte) {}},
			scanCase{fn: "musl_memcmp", args: []uint64{s, 100, 40}, prep: func([]byte) {}},
		)
	}
	return cs
}

// scanOutcome is how a call ended: its result, or its trap and offset.
type scanOutcome struct {
	res uint64
	err string
	off uint32
}

// scanRun makes the calls of cases in m compiled with opts, a fresh
// instance for each run of cases with the same grow.
func scanRun(t *testing.T, m *wasm.Module, opts codegen.Options, cases []scanCase) []scanOutcome {
	obj, err := codegen.Compile(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []scanOutcome
	var inst *execute.Instance
	for i, c := range cases {
		if i == 0 || c.grow != cases[i-1].grow {
			inst = instantiate(t, obj)
			if c.grow {
				if _, ok := inst.Memory().Grow(1); !ok {
					t.Fatal("memory.grow failed")
				}
			}
		}
		mem := inst.Memory().Bytes()
		clear(mem)
		c.prep(mem)
		r, err := inst.Func(c.fn).Call(c.args...)
		var o scanOutcome
		var trap *execute.Trap
		switch {
		case errors.As(err, &trap):
			o.err, o.off = fmt.Sprintf("trap %v", trap.Code), trap.WasmOffset
		case err != nil:
			t.Fatalf("%s%x: %v", c.fn, c.args, err)
		default:
			if len(r) > 0 {
				o.res = r[0]
			}
		}
		out = append(out, o)
	}
	return out
}

// scanCompare runs cases at -O 0 and -O 2 in both bounds modes and
// reports every call whose outcome differs.
func scanCompare(t *testing.T, m *wasm.Module, cases []scanCase) {
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			o0, o2 := bm.opts, bm.opts
			o0.OptLevel, o2.OptLevel = 0, 2
			want, got := scanRun(t, m, o0, cases), scanRun(t, m, o2, cases)
			traps := 0
			for i, c := range cases {
				if want[i].err != "" {
					traps++
					if want[i].off == 0 {
						t.Errorf("%s%x: -O 0 %q has no wasm offset", c.fn, c.args, want[i].err)
					}
				}
				if got[i] != want[i] {
					t.Errorf("%s%x (grown %v): -O 2 %+v, -O 0 %+v", c.fn, c.args, c.grow, got[i], want[i])
				}
			}
			if traps == 0 {
				t.Error("no case traps")
			}
		})
	}
}

// TestScanExec runs the scan loops of testdata/scan (musl's strlen,
// memchr and memcmp, user-written scans) at -O 0, where they stay scalar
// loops, and -O 2, where ssa's scanLoops gives them a vector prologue,
// in both bounds modes: every call must return the same value or trap
// the same way at the same wasm offset.
func TestScanExec(t *testing.T) {
	m := loadWasm(t, "testdata/scan/scan.wasm")
	obj, err := codegen.Compile(m, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	scanCompare(t, m, scanCases(uint64(len(instantiate(t, obj).Memory().Bytes()))))
}

// TestScanCarriedExec runs testdata/scan/carried.wat's loops, whose byte
// is carried to the next iteration from a parameter for the first: equal
// to the memory the vector prologue would compare, or not (then the
// prologue must not run), at every length, before the end of memory and
// across it.
func TestScanCarriedExec(t *testing.T) {
	m := loadWasm(t, "testdata/scan/carried.wasm")
	const memSize = 2 << 16
	var cs []scanCase
	for _, fn := range []struct {
		name string
		off  uint64 // where the entry byte sits from p
		stop byte
	}{{"carried_arg", 0, 'z'}, {"carried_off", 3, 0xFA}} {
		for _, s := range []uint64{4096, 4099, memSize - 60, memSize - 20, memSize - 4, memSize} {
			for n := uint64(0); n <= 40; n++ {
				for _, b := range []int{-1, 'a', 'z', 0, 0xFA} { // -1: the byte at p+off
					prep := func(mem []byte) {
						for i := s - 100; i < uint64(len(mem)); i++ {
							mem[i] = 'a' + byte(i%7)
						}
						if s+fn.off+n < uint64(len(mem)) {
							mem[s+fn.off+n] = fn.stop
						}
					}
					arg := uint64(b)
					if b < 0 {
						arg = uint64('a' + byte((s+fn.off)%7))
						if n == 0 {
							arg = uint64(fn.stop)
						}
					}
					cs = append(cs, scanCase{fn: fn.name, args: []uint64{s, arg}, prep: prep})
				}
			}
		}
	}
	scanCompare(t, m, cs)
}

// FuzzScanLoops calls testdata/scan's functions at -O 0 and -O 2 in both
// bounds modes with memory and arguments from the input: a function, a
// start near a 64 KiB page boundary or the end of memory, a second
// pointer or count, a byte, and bytes written from the start (the rest
// of the region repeats a letter, so scans run on until a written byte,
// the end of the region, or memory, ends them).
func FuzzScanLoops(f *testing.F) {
	f.Add([]byte{0, 0, 0, 5, 'z', 'a', 'b', 0})
	f.Add([]byte{2, 1, 3, 40, 'z', 'a', 'z', 'c'})
	f.Add([]byte{3, 2, 7, 33, 0, 'a', 'b', 'c', 'd'})
	f.Add([]byte{10, 3, 0, 0, 'q', 'a', 'a', 'a'})
	b, err := os.ReadFile("testdata/scan/scan.wasm")
	if err != nil {
		f.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		f.Fatal(err)
	}
	fns := []string{"musl_strlen", "musl_memchr", "musl_memcmp", "strlen_bytes", "scan_until",
		"skip_spaces", "bytes_strcmp", "index_of", "find_end", "find_neg", "musl_strchrnul"}
	type compiled struct{ o0, o2 *execute.Instance }
	var insts []compiled
	for _, bm := range boundsModes {
		var c compiled
		for _, level := range []int{0, 2} {
			opts := bm.opts
			opts.OptLevel = level
			obj, err := codegen.Compile(m, opts)
			if err != nil {
				f.Fatal(err)
			}
			if level == 0 {
				c.o0 = instantiate(f, obj)
			} else {
				c.o2 = instantiate(f, obj)
			}
		}
		insts = append(insts, c)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 5 {
			return
		}
		fn := fns[int(in[0])%len(fns)]
		memSize := uint64(len(insts[0].o0.Memory().Bytes()))
		var s uint64
		switch in[1] % 4 {
		case 0:
			s = 4096 + uint64(in[2])
		case 1:
			s = 1<<16 - 64 + uint64(in[2]%128)
		case 2:
			s = memSize - uint64(in[2])
		default:
			s = memSize - 256 + uint64(in[2])
		}
		other := uint64(in[3])
		needle := uint64(in[4])
		data := in[5:]
		var args []uint64
		switch fn {
		case "musl_memchr", "index_of":
			args = []uint64{s, needle, other}
		case "musl_memcmp":
			args = []uint64{s, 2048 + uint64(in[2]>>2), other}
		case "bytes_strcmp":
			args = []uint64{s, 2048 + uint64(in[2]>>2)}
		case "find_end":
			args = []uint64{s, s + other, needle}
		case "scan_until", "musl_strchrnul":
			args = []uint64{s, needle}
		default:
			args = []uint64{s}
		}
		run := func(inst *execute.Instance) scanOutcome {
			mem := inst.Memory().Bytes()
			clear(mem)
			for i := uint64(2048); i < uint64(len(mem)); i++ {
				mem[i] = 'a'
			}
			copy(mem[min(s, uint64(len(mem))):], data)
			copy(mem[2048+uint64(in[2]>>2):], data)
			r, err := inst.Func(fn).Call(args...)
			var o scanOutcome
			var trap *execute.Trap
			switch {
			case errors.As(err, &trap):
				o.err, o.off = fmt.Sprintf("trap %v", trap.Code), trap.WasmOffset
			case err != nil:
				t.Fatalf("%s%x: %v", fn, args, err)
			default:
				if len(r) > 0 {
					o.res = r[0]
				}
			}
			return o
		}
		for i, c := range insts {
			if want, got := run(c.o0), run(c.o2); got != want {
				t.Errorf("%s %s%x: -O 2 %+v, -O 0 %+v", boundsModes[i].name, fn, args, got, want)
			}
		}
	})
}
