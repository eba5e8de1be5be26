// Package layout turns an api.Layout and the memory limit into what the
// lower packages take: codegen options for modules compiled here, the
// check that a module compiled elsewhere fits, and the store
// configuration. It is the one place where the region layout reaches the
// runtime, shared by package lucet and pkg/bench.
package layout

import (
	"fmt"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// DefaultDenseMemory is the memory limit of a dense layout when none is
// given: 16 MiB, so 100,000 instances reserve 1.6 TiB of the 128 TiB.
const DefaultDenseMemory = 16 << 20

// Codegen returns the compiler options for code that runs in layout l.
func Codegen(l api.Layout) codegen.Options {
	o := compile.DefaultOptions()
	if l == api.LayoutDense {
		o.Bounds, o.MemReserve, o.MemGuard = object.BoundsExplicit, 0, 0
	}
	return o
}

// Check reports whether code compiled with meta can run in layout l: a
// dense region reserves no guard, so guard-page code cannot run in it.
func Check(meta *object.Meta, l api.Layout) error {
	if l == api.LayoutDense && meta.Bounds == object.BoundsGuard && len(meta.Mems) > 0 {
		return fmt.Errorf("layout dense: the module was compiled with guard-page bounds checks; compile it for the dense layout (lucetc --bounds-checks=explicit)")
	}
	return nil
}

// Store returns the store configuration for layout l with a memory limit
// of maxMemory bytes (0: the layout's default; the guard layout's is
// 4 GiB). The dense layout's memories sit in slots of that size in shared
// mappings (execute.LayoutDense), so it bounds the slot as well.
func Store(l api.Layout, maxMemory uint64) (execute.Config, error) {
	if maxMemory == 0 && l == api.LayoutDense {
		maxMemory = DefaultDenseMemory
	}
	if maxMemory%wasm.PageSize != 0 {
		return execute.Config{}, fmt.Errorf("memory limit %d is not a multiple of the 64 KiB page", maxMemory)
	}
	pages := maxMemory / wasm.PageSize
	if pages > wasm.MaxPages {
		return execute.Config{}, fmt.Errorf("memory limit %d is over 4 GiB", maxMemory)
	}
	cfg := execute.Config{MaxMemoryPages: uint32(pages)}
	if l == api.LayoutDense {
		cfg.Layout = execute.LayoutDense
	}
	return cfg, nil
}
