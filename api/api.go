// Package api holds the vocabulary the lucet front door shares with the
// tools built on it: the region layout an embedder picks for its
// instances and the WebAssembly value types host functions are described
// with. Most programs need only package lucet, which re-exports these.
package api

import (
	"fmt"
	"strings"
)

// Layout is how a region lays out the linear memories and stacks of its
// instances, a trade of speed against density.
//
// LayoutGuard (the default) gives each memory a reservation covering every
// 32-bit address plus a guard, and compiles memory accesses without bounds
// checks: the fastest code, but each instance costs about 6 GiB of address
// space and a few mappings, so one process holds some 20,000 of them
// (47-bit address space, vm.max_map_count).
//
// LayoutDense compiles explicit bounds checks (a compare and branch per
// access) and reserves only the memory limit (Limits.MaxMemoryBytes) per
// instance, so 100,000 instances fit in one process; the code runs a
// little slower. A module compiled ahead of time must have been compiled
// for the layout it runs in (lucetc --bounds-checks=explicit for dense).
type Layout uint8

const (
	LayoutGuard Layout = iota
	LayoutDense
)

var layoutNames = [...]string{LayoutGuard: "guard", LayoutDense: "dense"}

func (l Layout) String() string {
	if int(l) < len(layoutNames) {
		return layoutNames[l]
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// ParseLayout reads a layout's name: "guard" or "dense".
func ParseLayout(s string) (Layout, error) {
	for l, n := range layoutNames {
		if strings.EqualFold(s, n) {
			return Layout(l), nil
		}
	}
	return 0, fmt.Errorf("layout %q: want guard or dense", s)
}

// MarshalText makes a Layout read as its name in JSON and flags.
func (l Layout) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText is ParseLayout.
func (l *Layout) UnmarshalText(b []byte) error {
	v, err := ParseLayout(string(b))
	if err == nil {
		*l = v
	}
	return err
}
