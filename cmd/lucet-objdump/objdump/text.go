package objdump

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// textOut accumulates the text form. Each part of a module that both a
// .wasm and a compiled object have (memories, globals, tables, segments,
// types, imports, exports) is printed by one method here, so the two
// reports say the same thing the same way.
type textOut struct{ b strings.Builder }

func (t *textOut) p(format string, args ...any) { fmt.Fprintf(&t.b, format, args...) }

func (t *textOut) memories(ms []memReport) {
	if len(ms) == 0 {
		t.p("  no memory\n")
	}
	for _, m := range ms {
		t.p("  memory %d: initial %d pages (%s)", m.Index, m.Min, humanize.IBytes(m.Min*wasm.PageSize))
		if m.Max != nil {
			t.p(", max %d pages (%s)", *m.Max, humanize.IBytes(*m.Max*wasm.PageSize))
		} else {
			t.p(", no max")
		}
		t.origin(m.Import, m.Exports)
	}
}

// origin ends an item's line with where it comes from and goes to.
func (t *textOut) origin(imp string, exports []string) {
	if imp != "" {
		t.p(", imported from %s", imp)
	}
	if len(exports) > 0 {
		t.p(", exported as %s", quoteAll(exports))
	}
	t.p("\n")
}

func (t *textOut) datas(ds []dataReport) {
	total, active := 0, 0
	for _, d := range ds {
		total += d.Size
		if d.Mode == "active" {
			active++
		}
	}
	t.p("\nData segments: %d (%s; %d active, %d passive)\n", len(ds), humanize.IBytes(uint64(total)), active, len(ds)-active)
	for _, d := range ds {
		if d.Mode == "active" {
			t.p("  data %d: active, memory %d at %s, %d bytes\n", d.Index, d.Mem, d.Offset, d.Size)
		} else {
			t.p("  data %d: %s, %d bytes\n", d.Index, d.Mode, d.Size)
		}
	}
}

func (t *textOut) globals(gs []globReport) {
	t.p("\nGlobals: %d\n", len(gs))
	for _, g := range gs {
		ty := g.Type
		if g.Mutable {
			ty = "mut " + ty
		}
		t.p("  global %d: %s", g.Index, ty)
		if g.Import == "" {
			t.p(" = %s", g.Init)
		}
		t.origin(g.Import, g.Exports)
	}
}

func (t *textOut) tables(ts []tabReport) {
	t.p("\nTables: %d\n", len(ts))
	for _, tb := range ts {
		t.p("  table %d: %s %s", tb.Index, tb.Elem, limitsString(wasm.Limits{Min: tb.Min, Max: deref(tb.Max), HasMax: tb.Max != nil}, ""))
		if tb.Fixed {
			t.p(", fixed size")
		}
		t.origin(tb.Import, tb.Exports)
	}
}

func (t *textOut) elems(es []elemReport) {
	t.p("\nElement segments: %d\n", len(es))
	for _, e := range es {
		if e.Mode == "active" {
			t.p("  elem %d: active, table %d at %s, %d %s\n", e.Index, e.Table, e.Offset, e.Count, e.Type)
		} else {
			t.p("  elem %d: %s, %d %s\n", e.Index, e.Mode, e.Count, e.Type)
		}
	}
}

func (t *textOut) types(ts []typeReport) {
	t.p("\nTypes: %d\n", len(ts))
	for _, ty := range ts {
		t.p("  type %d: %s", ty.Index, ty.Signature)
		if ty.EntryStub != nil {
			t.p(", entry stub at %#x", *ty.EntryStub)
		}
		t.p("\n")
	}
}

func (t *textOut) imports(is []impReport) {
	t.p("\nImports: %d\n", len(is))
	for _, im := range is {
		t.p("  %s %d: %s.%s: %s", im.Kind, im.Index, wasm.Printable(im.Module), wasm.Printable(im.Name), im.Type)
		if im.HostStub != nil {
			t.p(", host-call stub at %#x", *im.HostStub)
		}
		t.p("\n")
	}
}

func (t *textOut) exports(xs []expReport) {
	t.p("\nExports: %d\n", len(xs))
	for _, x := range xs {
		t.p("  %q: %s %d\n", x.Name, x.Kind, x.Index)
	}
}

func (t *textOut) start(s *uint32) {
	if s != nil {
		t.p("\nStart function: %d\n", *s)
	} else {
		t.p("\nStart function: none\n")
	}
}

func (t *textOut) stubs(ss []stubReport) {
	t.p("\nStubs: %d\n", len(ss))
	for _, s := range ss {
		t.p("  %s: code %#x, %d bytes\n", wasm.Printable(s.Name), s.Offset, s.Size)
	}
}

// listing is the disassembly of one symbol at a code offset.
type listing struct {
	off  uint32
	text string
}

// disassembly prints listings in code order, as objdump -d does.
func (t *textOut) disassembly(ls []listing) {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].off < ls[j].off })
	started := false
	for _, l := range ls {
		if l.text == "" {
			continue
		}
		if !started {
			t.p("\nDisassembly:\n")
			started = true
		}
		t.p("\n%s", l.text)
	}
}

func appendListings(ls []listing, parts ...[]stubReport) []listing {
	for _, ss := range parts {
		for _, s := range ss {
			ls = append(ls, listing{s.Offset, s.Disassembly})
		}
	}
	return ls
}
