package decode

import (
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// ErrNameSection is wrapped by Names.Err when the name section is
// malformed.
var ErrNameSection = errors.New("malformed name section")

// parseNames reads the name section whose content starts at pos and ends
// at len(b). It never fails the module: the spec does not validate custom
// sections, so a fault stops the parse, keeps what was read and is
// recorded in Names.Err for tools to show.
func parseNames(b []byte, pos int) (n wasm.Names) {
	d := &decoder{b: b, pos: pos, fn: -1, section: "name"}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(bail)
			if !ok {
				panic(r)
			}
			f.err.Err = fmt.Errorf("%w: %w", ErrNameSection, f.err.Err)
			n.Err = f.err
		}
	}()
	last := -1
	for d.pos < len(b) {
		p := d.pos
		id := int(d.byte1())
		if id <= last {
			d.fail(p, errors.New("subsections out of order or repeated"))
		}
		last = id
		size := d.len32()
		end := d.pos + size
		sub := &decoder{b: b[:end], pos: d.pos, fn: -1, section: "name"}
		switch id {
		case 0:
			n.Module, n.HasModule = sub.name(), true
		case 1:
			k := sub.len32()
			n.Funcs = make(map[uint32]string, min(k, 1024))
			for i := 0; i < k; i++ {
				idx := sub.u32()
				n.Funcs[idx] = sub.name()
			}
		case 2:
			k := sub.len32()
			n.Locals = make(map[uint32]map[uint32]string, min(k, 1024))
			for i := 0; i < k; i++ {
				fidx := sub.u32()
				nl := sub.len32()
				names := make(map[uint32]string, min(nl, 1024))
				for j := 0; j < nl; j++ {
					idx := sub.u32()
					names[idx] = sub.name()
				}
				n.Locals[fidx] = names
			}
		default:
			// Later proposals' subsections (labels, types, ...): skipped.
			sub.pos = end
		}
		if sub.pos != end {
			d.fail(p, ErrSectionSize)
		}
		d.pos = end
	}
	return n
}
