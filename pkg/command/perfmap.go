package command

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// WritePerfMap writes the functions of the loaded modules in perf's JIT
// map format ("START SIZE NAME" in hex, one per line), so `perf report`
// names guest functions. Names are prefixed "wasm:" and the module's name.
func WritePerfMap(w io.Writer, mods map[string]*load.Module) error {
	bw := bufio.NewWriter(w)
	for name, m := range mods {
		if len(m.Code) == 0 {
			continue
		}
		for _, f := range m.Meta.Funcs {
			if f.CodeSize == 0 || int(f.CodeOffset) >= len(m.Code) {
				continue
			}
			// A line break in a module's function name would add a line
			// of the module's making to the map.
			fmt.Fprintf(bw, "%x %x wasm:%s:%s\n", m.CodeAddr(f.CodeOffset), f.CodeSize, wasm.Printable(name), wasm.Printable(f.Name))
		}
	}
	return bw.Flush()
}

// PerfMapPath is where perf looks for this process's map.
func PerfMapPath() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("perf-%d.map", os.Getpid()))
}

// CreatePerfMap writes the map to PerfMapPath, through a temporary file
// renamed into place, so perf never reads half of one.
func CreatePerfMap(mods map[string]*load.Module) (string, error) {
	path := PerfMapPath()
	f, err := os.CreateTemp(filepath.Dir(path), ".perf-*.map")
	if err != nil {
		return "", fmt.Errorf("perf map: %w", err)
	}
	err = WritePerfMap(f, mods)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("perf map: %w", err)
	}
	return path, nil
}
