package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// lucet-run is built with updatemaxprocs=0 (main.go's //go:debug, which
// go test applies to this package's test binary as go build does to
// lucet-run): no goroutine updating GOMAXPROCS in the background.
func TestDefaultGODEBUG(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	for _, s := range bi.Settings {
		if s.Key == "DefaultGODEBUG" {
			for _, kv := range strings.Split(s.Value, ",") {
				if kv == "updatemaxprocs=0" {
					return
				}
			}
			t.Fatalf("DefaultGODEBUG is %q, want updatemaxprocs=0 in it", s.Value)
		}
	}
	t.Fatal("no DefaultGODEBUG in the build info, want updatemaxprocs=0")
}
