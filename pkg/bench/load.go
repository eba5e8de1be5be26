package bench

import (
	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/internal/layout"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/load"
)

// Load loads the module at path for layout l: a compiled object as it is
// (Run checks it fits l), a .wasm module compiled for l first (not
// cached: a benchmark measures this build of the compiler).
func Load(path string, l api.Layout) (*load.Module, error) {
	return compile.LoadFile(path, layout.Codegen(l), nil)
}
