package layout

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestLayouts(t *testing.T) {
	if o := Codegen(api.LayoutDense); o.Bounds != object.BoundsExplicit || o.MemReserve != 0 {
		t.Errorf("dense codegen: %+v", o)
	}
	if o := Codegen(api.LayoutGuard); o.Bounds != object.BoundsGuard {
		t.Errorf("guard codegen: %+v", o)
	}
	guardCode := &object.Meta{Bounds: object.BoundsGuard, Mems: []wasm.MemType{{}}}
	if err := Check(guardCode, api.LayoutDense); err == nil || !strings.Contains(err.Error(), "explicit") {
		t.Errorf("guard code in a dense layout: %v", err)
	}
	if err := Check(guardCode, api.LayoutGuard); err != nil {
		t.Error(err)
	}
	for _, tt := range []struct {
		l     api.Layout
		max   uint64
		pages uint32
		bad   bool
	}{
		{api.LayoutGuard, 0, 0, false},
		{api.LayoutDense, 0, 256, false},
		{api.LayoutDense, 1 << 20, 16, false},
		{api.LayoutGuard, 1000, 0, true},
		{api.LayoutGuard, 8 << 30, 0, true},
	} {
		cfg, err := Store(tt.l, tt.max)
		if (err != nil) != tt.bad || (!tt.bad && cfg.MaxMemoryPages != tt.pages) {
			t.Errorf("Store(%v, %d) = %+v, %v", tt.l, tt.max, cfg, err)
		}
	}
}
