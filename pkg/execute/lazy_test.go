package execute

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// lazyWasm has "lazy-image" at 16 in a one-page memory; peek returns the
// byte at 16 and poke writes 'X' there and at 4000.
func lazyWasm() *wasm.Module {
	one := wasm.Limits{Min: 1, Max: 1, HasMax: true}
	m := &wasm.Module{
		Types: []wasm.FuncType{{Results: []wasm.ValType{wasm.I32}}, {}},
		Funcs: []uint32{0, 1},
		Mems:  []wasm.MemType{{Limits: one}},
		Datas: []wasm.Data{{Mode: wasm.SegmentActive,
			Offset: wasm.ConstExpr{Op: wasm.OpI32Const, Value: 16, NumInstrs: 1}, Init: []byte("lazy-image")}},
		Codes: []wasm.Code{
			// i32.const 16; i32.load8_u
			{Body: []byte{0x41, 16, 0x2d, 0x00, 0x00, 0x0b}},
			// i32.const 16; i32.const 'X'; i32.store8; i32.const 4000; i32.const 'X'; i32.store8
			{Body: []byte{0x41, 16, 0x41, 'X', 0x3a, 0x00, 0x00, 0x41, 0xa0, 0x1f, 0x41, 'X', 0x3a, 0x00, 0x00, 0x0b}},
		},
	}
	for i, name := range []string{"peek", "poke"} {
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	return m
}

// The data image is copied into a memory only when something can see it
// (the store's first call, or Bytes), yet every observer sees the spec's
// contents: guest code first, the host first, a host write before the
// first call (never overwritten by the late copy), and a slot given back
// unrun, whose next tenant gets the image and nothing else.
func TestLazyDataImage(t *testing.T) {
	mod := loadWasm(t, lazyWasm())
	if mod.Data == nil || !mod.Data.Complete {
		t.Fatal("the module has no complete data image; nothing to test")
	}
	want := make([]byte, wasm.PageSize)
	copy(want[16:], "lazy-image")
	for _, layout := range []Layout{LayoutGuard, LayoutDense} {
		// A slot size of its own: no parallel test shares the pool.
		cfg := Config{Layout: layout, MaxMemoryPages: 7, StackSize: 16 << 10}
		tenant := func(t *testing.T) (*Store, *Instance) {
			t.Helper()
			s, err := NewStore(cfg)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := s.Instantiate(mod, nil)
			if err != nil {
				s.Close()
				t.Fatal(err)
			}
			// A fresh guard reservation maps the image copy-on-write
			// instead (nothing copied either).
			if m := inst.Memory(); m.pending.Load() == nil && m.imageOf == nil {
				s.Close()
				t.Fatal("the image was copied at instantiation; nothing lazy to test")
			}
			return s, inst
		}
		peek := func(t *testing.T, inst *Instance) byte {
			t.Helper()
			res, err := inst.Func("peek").Call()
			if err != nil {
				t.Fatal(err)
			}
			return byte(res[0])
		}
		for _, tc := range []struct {
			name string
			run  func(t *testing.T)
		}{
			{"guest reads first", func(t *testing.T) {
				s, inst := tenant(t)
				defer s.Close()
				if got := peek(t, inst); got != 'l' {
					t.Errorf("peek = %q, want 'l'", got)
				}
				if !bytes.Equal(inst.Memory().Bytes(), want) {
					t.Error("memory after the first call is not the image")
				}
			}},
			{"host reads first", func(t *testing.T) {
				s, inst := tenant(t)
				defer s.Close()
				if !bytes.Equal(inst.Memory().Bytes(), want) {
					t.Error("memory read by the host before any call is not the image")
				}
				if got := peek(t, inst); got != 'l' {
					t.Errorf("peek = %q, want 'l'", got)
				}
			}},
			{"host writes first", func(t *testing.T) {
				s, inst := tenant(t)
				defer s.Close()
				inst.Memory().Bytes()[16] = 'H'
				if got := peek(t, inst); got != 'H' {
					t.Errorf("peek after the host wrote 'H' = %q: the image was copied over it", got)
				}
			}},
			{"slot given back unrun", func(t *testing.T) {
				s1, inst := tenant(t)
				if _, err := inst.Func("poke").Call(); err != nil {
					s1.Close()
					t.Fatal(err)
				}
				base := inst.Memory().raw()
				addr := uintptr(unsafe.Pointer(&base[0]))
				s1.Close()
				s2, inst2 := tenant(t) // made and closed without running
				if layout == LayoutDense && uintptr(unsafe.Pointer(&inst2.Memory().raw()[0])) != addr {
					t.Log("the unrun tenant got another slot")
				}
				s2.Close()
				s3, inst3 := tenant(t)
				defer s3.Close()
				got := inst3.Memory().Bytes()
				if layout == LayoutDense && uintptr(unsafe.Pointer(&got[0])) != addr {
					t.Fatalf("the third tenant got slot %#x, not the freed %#x; nothing checked", uintptr(unsafe.Pointer(&got[0])), addr)
				}
				if !bytes.Equal(got, want) {
					i := 0
					for i < len(got) && got[i] == want[i] {
						i++
					}
					t.Errorf("the third tenant's memory differs from the image at %d: %q", i, got[i:min(i+16, len(got))])
				}
			}},
		} {
			t.Run(layout.String()+"/"+tc.name, tc.run)
		}
	}
}
