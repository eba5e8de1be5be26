// Package disasm prints x86-64 machine code as an annotated listing, for
// lucetc --emit=asm and lucet-objdump -d.
//
// In: code bytes (a function, or a whole object.Object with its symbols and
// site table). Out: text in the style of objdump -d: the code offset, the
// instruction bytes and the instruction in GNU (AT&T) or Intel syntax, with
// branch targets named by symbol and trap and call sites annotated with
// their trap code and wasm offset.
package disasm

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"golang.org/x/arch/x86/x86asm"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Syntax selects the assembly dialect.
type Syntax uint8

const (
	GNU   Syntax = iota // AT&T operand order, as objdump prints by default
	Intel               // Intel operand order, as objdump -M intel
)

// ParseSyntax accepts "gnu", "att" and "intel".
func ParseSyntax(s string) (Syntax, error) {
	switch strings.ToLower(s) {
	case "gnu", "att":
		return GNU, nil
	case "intel":
		return Intel, nil
	}
	return 0, fmt.Errorf("unknown assembly syntax %q (want gnu or intel)", s)
}

// Options controls a listing.
type Options struct {
	Syntax Syntax
	// Symbol names the code offset a branch targets: the symbol
	// containing off and that symbol's start. nil: targets are printed as
	// offsets only.
	Symbol func(off uint64) (name string, start uint64, ok bool)
	// Sites are annotated where they occur: a trap site on the instruction
	// at its offset, a call site (abi.SiteCall) on the call that returns
	// to it. Sorted by code offset, as object.Meta keeps them.
	Sites []object.Site
}

// bytesPerLine is how many instruction bytes fit the bytes column; longer
// instructions continue on the next line, as objdump does.
const bytesPerLine = 8

// Func lists code, whose first byte is at code offset base, under the
// label name.
func Func(w io.Writer, code []byte, base uint64, name string, opt Options) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%016x <%s>:\n", base, wasm.Printable(name))
	si := sort.Search(len(opt.Sites), func(i int) bool { return uint64(opt.Sites[i].CodeOffset) >= base })
	// Trap sites already shown on the call that raises them.
	claimed := map[int]bool{}
	for i := 0; i < len(code); {
		off := base + uint64(i)
		inst, err := x86asm.Decode(code[i:], 64)
		var text string
		n := inst.Len
		if err != nil || n == 0 {
			n = 1
			text = "(bad)"
		} else {
			text = format(inst, off, opt)
		}
		// A site names the instruction at its offset, or the call it is
		// the return address of: call sites always, and trap sites when
		// the trap is raised by calling a shared trap routine.
		for si < len(opt.Sites) && uint64(opt.Sites[si].CodeOffset) < off {
			si++
		}
		isCall := err == nil && inst.Op == x86asm.CALL
		var notes []string
		for j := si; j < len(opt.Sites) && uint64(opt.Sites[j].CodeOffset) <= off+uint64(n); j++ {
			s := opt.Sites[j]
			atEnd := uint64(s.CodeOffset) == off+uint64(n)
			switch {
			case isCall && atEnd && s.Code == abi.SiteCall:
				notes = append(notes, fmt.Sprintf("call site, wasm %#x", s.WasmOffset))
			case isCall && atEnd:
				notes = append(notes, fmt.Sprintf("trap: %s, wasm %#x", s.Code, s.WasmOffset))
				claimed[j] = true
			case !atEnd && s.Code != abi.SiteCall && !claimed[j]:
				notes = append(notes, fmt.Sprintf("trap: %s, wasm %#x", s.Code, s.WasmOffset))
			}
		}
		if len(notes) > 0 {
			text = fmt.Sprintf("%-40s # %s", text, strings.Join(notes, "; "))
		}
		b := code[i : i+n]
		first := b
		if len(first) > bytesPerLine {
			first = first[:bytesPerLine]
		}
		fmt.Fprintf(&sb, "%8x:\t%-*s\t%s\n", off, 3*bytesPerLine-1, hexBytes(first), text)
		for rest := b[len(first):]; len(rest) > 0; {
			chunk := rest
			if len(chunk) > bytesPerLine {
				chunk = chunk[:bytesPerLine]
			}
			fmt.Fprintf(&sb, "%8x:\t%s\n", off+uint64(len(b)-len(rest)), hexBytes(chunk))
			rest = rest[len(chunk):]
		}
		i += n
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func format(inst x86asm.Inst, off uint64, opt Options) string {
	var text string
	if opt.Syntax == Intel {
		text = x86asm.IntelSyntax(inst, off, nil)
	} else {
		text = x86asm.GNUSyntax(inst, off, nil)
	}
	for _, a := range inst.Args {
		rel, ok := a.(x86asm.Rel)
		if !ok {
			continue
		}
		target := off + uint64(inst.Len) + uint64(int64(rel))
		if off == 0 {
			// x86asm prints branches at pc 0 relative; show the target.
			text += fmt.Sprintf(" (%#x)", target)
		}
		if opt.Symbol != nil {
			if name, start, ok := opt.Symbol(target); ok {
				if target == start {
					text += fmt.Sprintf(" <%s>", wasm.Printable(name))
				} else {
					text += fmt.Sprintf(" <%s+%#x>", wasm.Printable(name), target-start)
				}
			}
		}
	}
	return text
}

func hexBytes(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

// Part is the listing of one symbol (or of code between symbols).
type Part struct {
	Name   string // the symbol, or .text+0xOFF for unlabelled code
	Offset uint64
	Size   uint64
	Text   string // as Func writes it
}

// Object lists every function and stub of o in code order, each labelled
// by its symbol name (link.TextSymbols), with branch targets named and
// sites annotated. Code that no symbol covers is listed under .text+offset
// labels; alignment padding is left out. Parts are separated by a blank
// line.
func Object(w io.Writer, o *object.Object, opt Options) error {
	parts, err := Listing(o, opt)
	if err != nil {
		return err
	}
	for i, p := range parts {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, p.Text); err != nil {
			return err
		}
	}
	return nil
}

// Listing is Object's output, one Part per symbol or unlabelled range.
func Listing(o *object.Object, opt Options) ([]Part, error) {
	syms := link.TextSymbols(&o.Meta, len(o.Text))
	if opt.Symbol == nil {
		opt.Symbol = func(off uint64) (string, uint64, bool) {
			i := sort.Search(len(syms), func(i int) bool { return uint64(syms[i].Offset) > off }) - 1
			if i < 0 {
				return "", 0, false
			}
			s := syms[i]
			if off < uint64(s.Offset)+uint64(s.Size) || (s.Size == 0 && off == uint64(s.Offset)) {
				return s.Name, uint64(s.Offset), true
			}
			return "", 0, false
		}
	}
	if opt.Sites == nil {
		opt.Sites = o.Meta.Sites
	}
	var parts []Part
	var sb strings.Builder
	list := func(from, to uint64, name string) error {
		sb.Reset()
		if err := Func(&sb, o.Text[from:to], from, name, opt); err != nil {
			return err
		}
		parts = append(parts, Part{Name: name, Offset: from, Size: to - from, Text: sb.String()})
		return nil
	}
	// Code between symbols that is not alignment padding is listed
	// under a .text+offset label, so nothing executable is hidden.
	gap := func(from, to uint64) error {
		if from >= to || isPadding(o.Text[from:to]) {
			return nil
		}
		return list(from, to, fmt.Sprintf(".text+%#x", from))
	}
	pos := uint64(0)
	for _, s := range syms {
		start, end := uint64(s.Offset), uint64(s.Offset)+uint64(s.Size)
		if err := gap(pos, start); err != nil {
			return nil, err
		}
		if err := list(start, end, s.Name); err != nil {
			return nil, err
		}
		pos = max(pos, end)
	}
	if err := gap(pos, uint64(len(o.Text))); err != nil {
		return nil, err
	}
	return parts, nil
}

// isPadding reports whether b is only the filler codegen and link put
// between functions: int3, nop or zero bytes.
func isPadding(b []byte) bool {
	for _, c := range b {
		if c != 0xcc && c != 0x90 && c != 0 {
			return false
		}
	}
	return true
}
