package decode

import (
	"errors"
	"strings"
	"testing"
)

// funcModule is a module with one memory and one () -> () function whose
// body is code (without its final end).
func funcModule(code ...byte) []byte {
	body := append(append([]byte{0}, code...), 0x0b)
	m := []byte{0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 4, 1, 0x60, 0, 0, // type () -> ()
		3, 2, 1, 0, // func 0: type 0
		5, 3, 1, 0, 1, // memory 1
		10, byte(len(body) + 2), 1, byte(len(body))}
	return append(m, body...)
}

func TestUnsupportedProposals(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"atomic load", funcModule(0x41, 0, 0xFE, 0x10, 2, 0, 0x1a),
			"module uses the threads proposal (i32.atomic.load at 0x1e), which is not supported"},
		{"atomic rmw", funcModule(0x41, 0, 0x41, 1, 0xFE, 0x1F, 3, 0, 0x1a),
			"threads proposal (i64.atomic.rmw.add at 0x"},
		{"cmpxchg8", funcModule(0x41, 0, 0x41, 1, 0x41, 1, 0xFE, 0x4A, 0, 0, 0x1a),
			"threads proposal (i32.atomic.rmw8.cmpxchg_u at 0x"},
		{"return_call", funcModule(0x12, 0), "module uses the tail call proposal (return_call at 0x1c)"},
		{"try", funcModule(0x06, 0x40, 0x0b), "exception handling proposal (try at 0x1c)"},
		{"gc", funcModule(0xFB, 0x01, 0), "GC proposal"},
		{"memory.size 1", funcModule(0x3f, 1, 0x1a), "multi-memory proposal (memory.size of another memory"},
		{"shared memory", []byte{0, 'a', 's', 'm', 1, 0, 0, 0, 5, 4, 1, 3, 1, 1},
			"module uses the threads proposal (shared memory at 0xb)"},
		{"memory64", []byte{0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 4, 1},
			"module uses the memory64 proposal (64-bit limits at 0xb)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.b, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if !errors.Is(err, ErrUnsupportedProposal) {
				t.Errorf("%v does not wrap ErrUnsupportedProposal", err)
			}
		})
	}
}

func TestNestingLimit(t *testing.T) {
	code := func(n int) []byte {
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, 0x02, 0x40)
		}
		for i := 0; i < n; i++ {
			c = append(c, 0x0b)
		}
		return c
	}
	lim := Limits{NestingDepth: 10}
	if _, err := Decode(bigFuncModule(code(10)), Options{Limits: lim}); err != nil {
		t.Errorf("depth 10: %v", err)
	}
	_, err := Decode(bigFuncModule(code(11)), Options{Limits: lim})
	if err == nil || !strings.Contains(err.Error(), "nesting depth: 11 exceeds limit 10") || !errors.Is(err, ErrLimit) {
		t.Errorf("depth 11: got %v", err)
	}
}

// bigFuncModule is funcModule for bodies of any size.
func bigFuncModule(code []byte) []byte {
	uleb := func(v int) []byte {
		var out []byte
		for {
			c := byte(v & 0x7F)
			v >>= 7
			if v == 0 {
				return append(out, c)
			}
			out = append(out, c|0x80)
		}
	}
	body := append(append([]byte{0}, code...), 0x0b)
	sec := append(append([]byte{1}, uleb(len(body))...), body...)
	m := []byte{0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10}
	m = append(m, uleb(len(sec))...)
	return append(m, sec...)
}
