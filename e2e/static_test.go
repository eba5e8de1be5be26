package e2e

import (
	"debug/buildinfo"
	"debug/elf"
	"testing"
)

// The tools are pure Go: built without cgo they are static executables, so
// no dynamic loader runs before main (part of lucet-run's start-up budget)
// and nothing of the host's libc is in the sandbox's trusted base.
func TestStaticBinaries(t *testing.T) {
	for _, c := range commands {
		path, err := bin(c)
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		info, err := buildinfo.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		for _, s := range info.Settings {
			if s.Key == "CGO_ENABLED" && s.Value != "0" {
				t.Errorf("%s built with CGO_ENABLED=%s, want 0", c, s.Value)
			}
		}
		f, err := elf.Open(path)
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s has a program interpreter (dynamically linked)", c)
			}
		}
		f.Close()
	}
}
