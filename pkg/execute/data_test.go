package execute

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A module loaded from its ELF file starts with memory 0 copied from the
// linker's data image when the image is complete, and with its active
// segments applied one by one otherwise; either way memory and the
// segments' dropped state are what the spec's instantiation gives.
func TestDataImage(t *testing.T) {
	i32 := func(v uint64) object.Const { return object.Const{Op: wasm.OpI32Const, Value: v} }
	seg := func(off uint64, s string) object.Data {
		return object.Data{Mode: wasm.SegmentActive, Offset: i32(off), Init: []byte(s)}
	}
	meta := func(datas ...object.Data) *object.Object {
		return &object.Object{Meta: object.Meta{
			FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
			Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 2}}},
			Datas: datas,
		}}
	}
	passive := object.Data{Mode: wasm.SegmentPassive, Init: []byte("zz")}
	for _, tt := range []struct {
		name     string
		o        *object.Object
		complete bool
	}{
		// Later segments overwrite earlier ones; one spans a page
		// boundary; one is empty at the end of memory.
		{"complete", meta(seg(10, "aaaa"), seg(12, "bb"), seg(4094, "cdef"), passive, seg(65536*2, "")), true},
		// Without passive segments the instance keeps no segment table.
		{"complete, all active", meta(seg(10, "aaaa"), seg(12, "bb")), true},
		// An offset the linker cannot evaluate: no image.
		{"incomplete", meta(seg(10, "aaaa"), object.Data{Mode: wasm.SegmentActive, Offset: object.Const{Op: wasm.OpGlobalGet}}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "incomplete" {
				tt.o.Meta.Globals = []wasm.Global{{Type: wasm.GlobalType{Type: wasm.I32}, Init: i32(70000).Expr()}}
			}
			elf, err := link.ELF(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			lm, err := load.Bytes(elf)
			if err != nil {
				t.Fatal(err)
			}
			if got := lm.Data != nil && lm.Data.Complete; got != tt.complete {
				t.Fatalf("image complete = %v, want %v", got, tt.complete)
			}
			// A complete image is the only copy of the active segments.
			if got := lm.Meta.InImage(); got != tt.complete {
				t.Fatalf("active segments stored in the image = %v, want %v", got, tt.complete)
			}
			// The loader keeps such segments encoded (object.Meta.Datas);
			// what follows instantiates from that form.
			if got := lm.Meta.Datas == nil; got != (tt.name == "complete, all active") || lm.Meta.NumDatas() != len(tt.o.Meta.Datas) {
				t.Fatalf("kept encoded %v, %d segments, for %d", got, lm.Meta.NumDatas(), len(tt.o.Meta.Datas))
			}
			viaImage := instantiateData(t, func(s *Store) (*Instance, error) { return s.Instantiate(lm, nil) })
			if tt.name == "complete, all active" && viaImage.datas != nil {
				t.Error("an instance of a module without passive segments keeps a segment table")
			}
			viaSegments := instantiateData(t, func(s *Store) (*Instance, error) { return s.InstantiateObject(tt.o, nil) })
			if !bytes.Equal(viaImage.mem, viaSegments.mem) {
				t.Error("memory differs between the image and the segments")
			}
			if tt.name == "complete" {
				if got := string(viaImage.mem[10:16]); got != "aabb\x00\x00" {
					t.Errorf("memory at 10 = %q", got)
				}
				if got := string(viaImage.mem[4094:4098]); got != "cdef" {
					t.Errorf("memory at 4094 = %q", got)
				}
			}
			dropped := func(ds [][]byte, i int) bool { return i >= len(ds) || ds[i] == nil }
			for i := range tt.o.Meta.Datas {
				if dropped(viaImage.datas, i) != dropped(viaSegments.datas, i) {
					t.Errorf("data %d dropped: image %v, segments %v", i, dropped(viaImage.datas, i), dropped(viaSegments.datas, i))
				}
			}
		})
	}
}

type dataState struct {
	mem   []byte
	datas [][]byte
}

func instantiateData(t *testing.T, inst func(*Store) (*Instance, error)) dataState {
	t.Helper()
	s, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	in, err := inst(s)
	if err != nil {
		t.Fatal(err)
	}
	return dataState{mem: bytes.Clone(in.mems[0].Bytes()), datas: in.datas}
}

// A loaded module's runtime tables are derived once and shared by every
// store that instantiates it, concurrently.
func TestModuleSharedAcrossStores(t *testing.T) {
	elf, err := link.ELF(buildTestObject(t))
	if err != nil {
		t.Fatal(err)
	}
	lm, err := load.Bytes(elf)
	if err != nil {
		t.Fatal(err)
	}
	imports := ImportMap{"env": {"host": NewHostFunc(tI64, func(c *Caller, stack []uint64) error { return nil })}}
	mods := make(chan *module, 8)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			s, err := NewStore(Config{})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			in, err := s.Instantiate(lm, imports)
			if err != nil {
				errs <- err
				return
			}
			mods <- in.mod
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	first := <-mods
	for range 7 {
		if m := <-mods; m != first {
			t.Error("two stores derived their own module tables")
		}
	}
}
