package wasi

import (
	"io"
	"testing"
)

// BenchmarkHostCall times the Go side of one host call (the runner, the
// argument decoding, the function) without a guest: args_sizes_get,
// clock_time_get and an fd_write of 8 bytes to a discarded stdout.
func BenchmarkHostCall(b *testing.B) {
	s, err := New(Config{Args: []string{"bench"}, Stdout: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	mem := &fakeMem{b: make([]byte, memSize)}
	put := func(p, v uint32) {
		mem.b[p], mem.b[p+1], mem.b[p+2], mem.b[p+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	put(64, 128) // iovec: 8 bytes at 128
	put(68, 8)
	funcs := map[string]SharedFunc{}
	for _, f := range Shared() {
		funcs[f.Name] = f
	}
	for _, tc := range []struct {
		name string
		args []uint64
	}{
		{"args_sizes_get", []uint64{0, 8}},
		{"clock_time_get", []uint64{1, 0, 16}},
		{"fd_write", []uint64{1, 64, 1, 24}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			f := funcs[tc.name]
			stack := make([]uint64, len(tc.args))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				copy(stack, tc.args)
				if err := f.Call(s, mem, stack); err != nil || stack[0] != 0 {
					b.Fatal(err, stack[0])
				}
			}
		})
	}
}
