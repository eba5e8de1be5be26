package wasi

import "iter"

// fdInline is how many fd numbers the table holds without a map: stdio
// and a few preopens or opened files, which is every guest's start and
// most guests' whole life. A System then costs no map allocations.
const fdInline = 8

// fdTable maps guest fd numbers to entries: numbers below fdInline in an
// array, the rest in a map made on first use. Guarded by System.mu.
type fdTable struct {
	low  [fdInline]*fdEntry
	high map[uint32]*fdEntry
	n    int
}

func (t *fdTable) get(fd uint32) (*fdEntry, bool) {
	if fd < fdInline {
		e := t.low[fd]
		return e, e != nil
	}
	e, ok := t.high[fd]
	return e, ok
}

func (t *fdTable) set(fd uint32, e *fdEntry) {
	if fd < fdInline {
		if t.low[fd] == nil {
			t.n++
		}
		t.low[fd] = e
		return
	}
	if t.high == nil {
		t.high = make(map[uint32]*fdEntry)
	}
	if _, ok := t.high[fd]; !ok {
		t.n++
	}
	t.high[fd] = e
}

func (t *fdTable) del(fd uint32) {
	if fd < fdInline {
		if t.low[fd] != nil {
			t.n--
			t.low[fd] = nil
		}
		return
	}
	if _, ok := t.high[fd]; ok {
		t.n--
		delete(t.high, fd)
	}
}

func (t *fdTable) len() int { return t.n }

// all yields every fd and its entry, the low numbers in order.
func (t *fdTable) all() iter.Seq2[uint32, *fdEntry] {
	return func(yield func(uint32, *fdEntry) bool) {
		for i, e := range t.low {
			if e != nil && !yield(uint32(i), e) {
				return
			}
		}
		for n, e := range t.high {
			if !yield(n, e) {
				return
			}
		}
	}
}

// reset empties the table, keeping its map (if any) for reuse.
func (t *fdTable) reset() {
	t.low = [fdInline]*fdEntry{}
	clear(t.high)
	t.n = 0
}
