package wasi

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentCalls runs guest "threads" (each with its own memory, all
// sharing one System) that open, write, read, stat and close files while
// also closing each other's fds at random. Run with -race: the fd table and
// the deferred close must hold up, and no call may return a host error.
func TestConcurrentCalls(t *testing.T) {
	h, _ := newDirHarness(t)
	funcs := map[string]Func{}
	for _, f := range h.s.Funcs() {
		funcs[f.Name] = f
	}
	call := func(mem *fakeMem, name string, args ...uint64) Errno {
		stack := make([]uint64, max(len(args), 1))
		copy(stack, args)
		if err := funcs[name].Call(mem, stack); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return Errno(stack[0])
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			mem := &fakeMem{b: make([]byte, 4096)}
			name := fmt.Sprintf("file%d", g)
			copy(mem.b[100:], name)
			copy(mem.b[200:], "payload")
			binary.LittleEndian.PutUint32(mem.b[300:], 200) // iovec
			binary.LittleEndian.PutUint32(mem.b[304:], 7)
			for i := 0; i < 200; i++ {
				if e := call(mem, "path_open", 3, 0, 100, uint64(len(name)), oflagCreat, fileRW, 0, 0, 0); e != 0 {
					t.Errorf("open: %d", e)
					return
				}
				fd := uint64(binary.LittleEndian.Uint32(mem.b[0:]))
				call(mem, "fd_write", fd, 300, 1, 8)
				call(mem, "fd_pread", fd, 300, 1, 0, 8)
				call(mem, "fd_filestat_get", fd, 400)
				call(mem, "fd_readdir", 3, 1000, 512, 0, 8)
				call(mem, "fd_fdstat_set_flags", 3, uint64(i%2)*fdflagNonblock)
				call(mem, "fd_fdstat_get", 3, 400)
				// Close someone's fd (maybe our own, maybe one in use).
				call(mem, "fd_close", uint64(4+(i+g)%16))
				call(mem, "fd_close", fd)
			}
		}(g)
	}
	wg.Wait()
}
