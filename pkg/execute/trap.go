package execute

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Trap is a guest trap: why, where, and the wasm call stack.
type Trap struct {
	Code       abi.TrapCode
	Func       string // name of the function that trapped ("" if unknown)
	FuncIndex  uint32
	WasmOffset uint32 // byte offset of the trapping instruction in the module
	Frames     []Frame
	// Omitted counts the guest frames beyond the maxFrames in Frames (a
	// stack overflow's backtrace is cut, and says by how much).
	Omitted int
}

// Frame is one guest frame of a trap's backtrace, innermost first.
type Frame struct {
	Func       string
	FuncIndex  uint32
	WasmOffset uint32 // 0 when the call site is not in the site table
	Module     string
}

// Error is the spec's wording of the trap followed by the backtrace.
func (t *Trap) Error() string {
	var b strings.Builder
	b.WriteString("wasm trap: ")
	if t.Code == abi.TrapNone {
		b.WriteString("trap of unknown cause (no trap code recorded)")
	} else {
		b.WriteString(t.Code.String())
	}
	for _, f := range t.Frames {
		fmt.Fprintf(&b, "\n  at %s", wasm.Printable(f.Func)) // the module's name for it: see Printable
		if f.WasmOffset != 0 {
			fmt.Fprintf(&b, " @0x%x", f.WasmOffset)
		}
	}
	if t.Omitted > 0 {
		fmt.Fprintf(&b, "\n  ... %d more frames", t.Omitted)
	}
	return b.String()
}

// Is makes errors.Is(err, &Trap{Code: c}) match any trap with code c.
func (t *Trap) Is(target error) bool {
	o, ok := target.(*Trap)
	return ok && o.Code == t.Code
}

// IsTrap reports whether err is (or wraps) a trap with the given code.
func IsTrap(err error, code abi.TrapCode) bool {
	var t *Trap
	return errors.As(err, &t) && t.Code == code
}

// findModule returns the loaded module whose code contains pc, else one
// whose code ends at pc: a trap routine called by the last instruction of
// the last function returns to the first byte past the code, and that
// return address is the TrapPC the site table has an entry for (the
// functions follow the stubs, so this is any module's last function).
func (s *Store) findModule(pc uintptr) *module {
	var end *module
	for _, m := range s.modules {
		if pc >= m.code && pc < m.code+m.size {
			return m
		}
		if pc == m.code+m.size {
			end = m
		}
	}
	return end
}

// funcAtOffset maps a code offset to a defined function (by index in the
// function index space); ok is false for stubs and padding.
func (m *module) funcAtOffset(off uint32) (int, bool) {
	fn := func(i int) int { return i } // byOffset nil: in code order
	if fs := m.byOffset; fs != nil {
		fn = func(i int) int { return fs[i] }
	}
	n := len(m.meta.Funcs)
	i := sort.Search(n, func(i int) bool {
		f := &m.meta.Funcs[fn(i)]
		return f.CodeOffset+f.CodeSize > off
	})
	if i < n {
		f := &m.meta.Funcs[fn(i)]
		if off >= f.CodeOffset && off < f.CodeOffset+f.CodeSize {
			return fn(i), true
		}
	}
	return 0, false
}

// site looks up the site table entry at code offset off. A direct call's
// return address can also be the address of a guarded load or store right
// after it, so one offset may carry two entries: want picks the one of that
// kind (the trap code for a trapping PC, abi.SiteCall for a return
// address), falling back to any entry at off.
func (m *module) site(off uint32, want abi.TrapCode) (*object.Site, bool) {
	ss := m.meta.Sites
	i := sort.Search(len(ss), func(i int) bool { return ss[i].CodeOffset >= off })
	var other *object.Site
	for ; i < len(ss) && ss[i].CodeOffset == off; i++ {
		if ss[i].Code == want {
			return &ss[i], true
		}
		if other == nil {
			other = &ss[i]
		}
	}
	return other, other != nil
}

// frameAt describes the guest frame at code offset off: TrapPC (want is
// the trap code) or a return address (want is abi.SiteCall). A site-table
// entry names the function and wasm offset (a trap routine's return
// address may be the first byte after the function). Otherwise the
// function comes from the code ranges, looking at off-1 because a call
// that ends a function returns past it.
func (m *module) frameAt(off uint32, want abi.TrapCode) (Frame, bool) {
	if st, ok := m.site(off, want); ok {
		fr := Frame{FuncIndex: st.Func, WasmOffset: st.WasmOffset, Module: m.meta.ModuleName}
		if d := int(st.Func) - int(m.numImportedFuncs()); d >= 0 && d < len(m.meta.Funcs) {
			fr.Func = m.meta.Funcs[d].Name
		}
		return fr, true
	}
	if off > 0 {
		off--
	}
	def, ok := m.funcAtOffset(off)
	if !ok {
		return Frame{}, false
	}
	f := &m.meta.Funcs[def]
	return Frame{Func: f.Name, FuncIndex: m.numImportedFuncs() + uint32(def), Module: m.meta.ModuleName}, true
}

// maxFrames bounds a backtrace; deeper stacks (stack overflow) are cut,
// and the frames past it only counted, up to maxWalk in all.
const (
	maxFrames = 64
	maxWalk   = 1 << 20
)

// newTrap builds a trap from the exit state: TrapPC locates the trapping
// instruction, FrameBP starts the frame-pointer walk of the guest stack.
func (s *Store) newTrap(code abi.TrapCode, pc, bp uintptr) *Trap {
	t := &Trap{Code: code}
	if m := s.findModule(pc); m != nil {
		if code == abi.TrapNone {
			// A trap that did not say which: the site table does.
			if st, ok := m.site(uint32(pc-m.code), code); ok && st.Code != abi.SiteCall {
				t.Code = st.Code
			}
		}
		if fr, ok := m.frameAt(uint32(pc-m.code), code); ok {
			t.Frames = append(t.Frames, fr)
		}
	}
	first := true
	var lo, hi uintptr
	if s.stack != nil {
		lo, hi = s.stack.r.addr(), s.stack.r.addr()+uintptr(len(s.stack.r.mem))
	}
	for n := 0; bp >= lo && bp+16 <= hi && bp&7 == 0 && n < maxWalk; n++ {
		ret := loadPtr(bp + 8)
		next := loadPtr(bp)
		// A stub's frame returns to the very call TrapPC names; don't
		// list that function twice.
		if m := s.findModule(ret); m != nil && !(first && ret == pc) {
			if len(t.Frames) >= maxFrames {
				t.Omitted++
			} else if fr, ok := m.frameAt(uint32(ret-m.code), abi.SiteCall); ok {
				t.Frames = append(t.Frames, fr)
			}
		}
		first = false
		if next <= bp {
			break
		}
		bp = next
	}
	if len(t.Frames) > 0 {
		t.Func, t.FuncIndex, t.WasmOffset = t.Frames[0].Func, t.Frames[0].FuncIndex, t.Frames[0].WasmOffset
	}
	return t
}
