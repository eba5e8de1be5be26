package compile

import (
	"encoding/binary"
	"syscall"
	"testing"
	"time"
)

// manyLocalsModule is a module of nf functions, each () -> () declaring nl
// i32 locals, with body as each function's code (without the final end).
// With an empty body it is about 7 bytes a function.
func manyLocalsModule(nf, nl int, body []byte) []byte {
	section := func(m []byte, id byte, content []byte) []byte {
		m = append(m, id)
		m = leb(m, uint64(len(content)))
		return append(m, content...)
	}
	m := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	m = section(m, 1, []byte{1, 0x60, 0, 0}) // type 0: () -> ()
	var fs []byte
	fs = leb(fs, uint64(nf))
	for range nf {
		fs = append(fs, 0)
	}
	m = section(m, 3, fs)
	m = section(m, 5, []byte{1, 0, 1}) // a memory, so there is a memory-length variable too
	var fn []byte
	fn = append(fn, 1) // one local entry
	fn = leb(fn, uint64(nl))
	fn = append(fn, 0x7f) // i32
	fn = append(fn, body...)
	fn = append(fn, 0x0b)
	var code []byte
	code = leb(code, uint64(nf))
	for range nf {
		code = leb(code, uint64(len(fn)))
		code = append(code, fn...)
	}
	return section(m, 10, code)
}

func leb(b []byte, v uint64) []byte {
	return binary.AppendUvarint(b, v)
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestManyLocalsCompileCost: what a module declares but does not use costs
// the compiler nothing. 2,000 functions × 50,000 locals is a 16 KB module;
// compiling it took ~24 s of CPU at -O 2 (every local a zero constant in
// the entry block and the frontend's definition table cleared to a
// million entries per function) and ~2.5 s at -O 0 (a frame slot per
// local), the validator expanding 50,000 local types per function in
// both. Now it is about 0.1 s. The CPU budget below is 10× that and
// far under the old cost, so a loaded machine does not fail it and a
// return to cost per declared local does.
func TestManyLocalsCompileCost(t *testing.T) {
	var body2 []byte // read the last local, then write and read it
	body2 = append(body2, 0x20)
	body2 = leb(body2, 49999)
	body2 = append(body2, 0x21)
	body2 = leb(body2, 49999)
	body2 = append(body2, 0x20)
	body2 = leb(body2, 49998)
	body2 = append(body2, 0x1a)
	var body3 []byte // 60 nested blocks, each reading a distinct local at its end
	for range 60 {
		body3 = append(body3, 0x02, 0x40)
	}
	for i := range 60 {
		body3 = append(body3, 0x20)
		body3 = leb(body3, uint64(40000+i*100))
		body3 = append(body3, 0x1a, 0x0b)
	}
	// a loop reading and writing far-apart locals, with an exit
	body4 := []byte{0x03, 0x40, 0x20}
	body4 = leb(body4, 30000)
	body4 = append(body4, 0x21)
	body4 = leb(body4, 45000)
	body4 = append(body4, 0x20)
	body4 = leb(body4, 45000)
	body4 = append(body4, 0x0d, 0, 0x0b) // br_if 0, end
	for _, c := range []struct {
		name string
		nf   int
		body []byte
	}{
		{"empty", 2000, nil},
		{"read-write", 2000, body2},
		{"blocks", 300, body3},
		{"loop", 1000, body4},
	} {
		b := manyLocalsModule(c.nf, 50000, c.body)
		for _, lvl := range []int{0, 2} {
			opts := DefaultOptions()
			opts.OptLevel = lvl
			start := cpuTime(t)
			if _, err := Wasm(b, opts); err != nil {
				t.Fatalf("%s -O %d: %v", c.name, lvl, err)
			}
			d := cpuTime(t) - start
			t.Logf("%s (%d bytes) -O %d: %v CPU", c.name, len(b), lvl, d)
			if d > 2*time.Second {
				t.Errorf("%s -O %d: %v of CPU to compile a %d-byte module of %d functions × 50,000 locals; want well under 2s", c.name, lvl, d, len(b), c.nf)
			}
		}
	}
}
