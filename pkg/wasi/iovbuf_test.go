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

type panicWriter struct{}

func (panicWriter) Write(p []byte) (int, error) { panic("embedder's writer failed") }

// A host function that panics mid-call (here the embedder's stdout writer)
// still releases what its steps took: the fd entry it pinned is unpinned
// (else the fd could never really close) and its iovec array goes back to
// the pool.
func TestHostPanicReleases(t *testing.T) {
	s, err := New(Config{Stdout: panicWriter{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fdWrite, ok := SharedNamed("fd_write")
	if !ok {
		t.Fatal("no fd_write")
	}
	mem := &fakeMem{b: make([]byte, memSize)}
	binary.LittleEndian.PutUint32(mem.b[64:], 1024)
	binary.LittleEndian.PutUint32(mem.b[68:], 3)
	refs := func() int {
		e, errno := s.get(1, 0)
		if errno != ErrnoSuccess {
			t.Fatalf("fd 1: errno %d", errno)
		}
		defer s.release(e)
		s.mu.Lock()
		defer s.mu.Unlock()
		return int(e.refs) - 1 // this lookup's own pin
	}
	before := refs()
	for range 3 {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("fd_write did not panic")
				}
			}()
			_ = fdWrite.Call(s, mem, []uint64{1, 64, 1, 16})
		}()
	}
	if after := refs(); after != before {
		t.Errorf("fd 1 has %d pins after 3 panicking writes, %d before", after, before)
	}
}
