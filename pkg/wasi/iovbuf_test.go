package wasi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuf) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// fd_write takes its iovec slices from a pooled array (at most 4
// iovecs), else from a new slice: goroutines sharing a System, each with
// a memory and an iovec count of its own (1, the array's 4, and 5, past
// it), write exactly their bytes, and the race detector sees no sharing
// of an array.
func TestFdWriteIovecBuffer(t *testing.T) {
	out := &lockedBuf{}
	s, err := New(Config{Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var fdWrite SharedFunc
	for _, f := range Shared() {
		if f.Name == "fd_write" {
			fdWrite = f
		}
	}
	const rounds = 200
	var wg sync.WaitGroup
	want := map[byte]int{}
	for g, n := range []int{1, 4, 5, 1, 4, 5} {
		tag := byte('a' + g)
		want[tag] = n * 3 * rounds
		mem := &fakeMem{b: make([]byte, memSize)}
		for i := range n {
			// iovec i: 3 bytes of tag at 1024+8i.
			binary.LittleEndian.PutUint32(mem.b[64+8*i:], uint32(1024+8*i))
			binary.LittleEndian.PutUint32(mem.b[68+8*i:], 3)
			copy(mem.b[1024+8*i:], []byte{tag, tag, tag})
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				stack := []uint64{1, 64, uint64(n), 16}
				if err := fdWrite.Call(s, mem, stack); err != nil || stack[0] != 0 {
					t.Errorf("fd_write of %d iovecs: %v, errno %d", n, err, stack[0])
					return
				}
				if got := binary.LittleEndian.Uint32(mem.b[16:]); got != uint32(3*n) {
					t.Errorf("fd_write of %d iovecs wrote %d bytes, want %d", n, got, 3*n)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := map[byte]int{}
	for _, c := range out.b.Bytes() {
		got[c]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bytes written per goroutine: %v, want %v", got, want)
	}
}
