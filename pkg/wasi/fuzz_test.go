package wasi

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCalls feeds arbitrary arguments and memory to the host functions in
// sequence. The property: no panic, no host error other than proc_exit, and
// nothing outside the preopen changes. poll_oneoff (random timeouts block
// for ages) and fd_allocate (random sizes really allocate) are left out.
func FuzzCalls(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Add([]byte(strings.Repeat("\x1f\x03\x00\x00\x00\x00\x00\x00\x00", 8)))
	f.Add([]byte("\x20\x03\x00\x00\x00\x00\x00\x00\x00../x\x00\x00"))
	root := f.TempDir()
	outside := filepath.Join(root, "outside")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644)
	f.Fuzz(func(t *testing.T, data []byte) {
		sb, err := os.MkdirTemp(root, "sb")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(sb)
		os.Symlink("../outside", filepath.Join(sb, "out"))
		os.WriteFile(filepath.Join(sb, "f"), []byte("file"), 0o644)
		s, err := New(Config{Stdin: strings.NewReader("in"), Stdout: io.Discard, Stderr: io.Discard,
			Preopens: []Preopen{{HostPath: sb, GuestPath: "/"}}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.walk = len(data) > 0 && data[0]&1 == 1
		funcs := s.Funcs()
		mem := &fakeMem{b: make([]byte, 4096)}
		copy(mem.b, data)
		for len(data) >= 9 {
			fn := funcs[int(data[0])%len(funcs)]
			data = data[1:]
			if fn.Name == "poll_oneoff" || fn.Name == "fd_allocate" {
				continue
			}
			stack := make([]uint64, 9)
			for i := range fn.Params {
				if len(data) < 2 {
					break
				}
				v := uint64(binary.LittleEndian.Uint16(data))
				data = data[2:]
				// Mostly small values so pointers and fds hit something.
				if v&0x8000 != 0 {
					v = ^uint64(0) - v
				} else {
					v &= 0x1fff
				}
				stack[i] = v
			}
			if err := fn.Call(mem, stack); err != nil && fn.Name != "proc_exit" {
				t.Fatalf("%s: %v", fn.Name, err)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(outside, "secret")); string(b) != "s" {
			t.Fatal("outside file changed")
		}
		if ents, _ := os.ReadDir(outside); len(ents) != 1 {
			t.Fatalf("outside dir changed: %v", ents)
		}
	})
}
