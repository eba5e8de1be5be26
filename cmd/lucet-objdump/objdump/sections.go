package objdump

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// The section framing of a .wasm module is the one thing lucet-objdump
// reads from the bytes itself: decode parses every section's content but
// keeps no record of where each section sits, and the listing shows that.
// It runs only after decode accepted the module, yet is written (and
// fuzzed) to stand on its own: any input gives sections or an error.

// section is one section as it sits in the file. Start and End bound its
// content (after the id and size), as wasm-objdump -h counts them.
type section struct {
	ID         byte
	Start, End int
	// Count is the leading vector length of a section that is a vector
	// (type through data count; the start function's index and the data
	// count for those two), HasCount says whether it was read.
	Count    uint32
	HasCount bool
	// Name is a custom section's name, DataStart where its data begins.
	Name      string
	DataStart int
}

// codeEntry is one function body of the code section: Start and End bound
// the body (locals and instructions) after its size prefix.
type codeEntry struct{ Start, End int }

var errFraming = errors.New("malformed section framing")

// truncatedError is a section that runs past the end of the module: most
// often a file cut short, which deserves saying in those words.
type truncatedError struct {
	section string
	at      int
	missing uint64
	size    int
}

func (e *truncatedError) Error() string {
	return fmt.Sprintf("truncated: the %s section at %#x runs %d bytes past the end of the module (%d bytes)", e.section, e.at, e.missing, e.size)
}

func (e *truncatedError) Unwrap() error { return errFraming }

// sectionNames are the binary format's section ids in order.
var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory",
	"global", "export", "start", "element", "code", "data", "data count"}

func sectionName(id byte) string {
	if int(id) < len(sectionNames) {
		return sectionNames[id]
	}
	return fmt.Sprintf("section(%d)", id)
}

// readSections walks the framing of module b (magic and version included)
// and, for the code section, the size of every body.
func readSections(b []byte) ([]section, []codeEntry, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, nil, fmt.Errorf("%w: no wasm header", errFraming)
	}
	var (
		secs  []section
		codes []codeEntry
	)
	for pos := 8; pos < len(b); {
		at := pos
		id := b[pos]
		size, n, err := wasm.ReadU32(b[pos+1:])
		if err != nil {
			return nil, nil, fmt.Errorf("%w: section at %#x: size: %v", errFraming, at, err)
		}
		start := pos + 1 + n
		if uint64(size) > uint64(len(b)-start) {
			return nil, nil, &truncatedError{sectionName(id), at, uint64(size) - uint64(len(b)-start), len(b)}
		}
		end := start + int(size)
		s := section{ID: id, Start: start, End: end}
		body := b[start:end]
		switch {
		case id == 0:
			l, n, err := wasm.ReadU32(body)
			if err != nil || uint64(l) > uint64(len(body)-n) {
				return nil, nil, fmt.Errorf("%w: custom section at %#x: bad name", errFraming, at)
			}
			s.Name, s.DataStart = string(body[n:n+int(l)]), start+n+int(l)
			if !utf8.ValidString(s.Name) {
				return nil, nil, fmt.Errorf("%w: custom section at %#x: name is not UTF-8", errFraming, at)
			}
		case int(id) < len(sectionNames):
			c, _, err := wasm.ReadU32(body)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: %s section at %#x: count: %v", errFraming, sectionName(id), at, err)
			}
			s.Count, s.HasCount = c, true
		}
		if id == 10 {
			codes, err = readCodeEntries(body, start)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: code section at %#x: %v", errFraming, at, err)
			}
		}
		secs = append(secs, s)
		pos = end
	}
	return secs, codes, nil
}

// readCodeEntries splits the code section's content (at offset base in
// the module) into bodies.
func readCodeEntries(body []byte, base int) ([]codeEntry, error) {
	count, p, err := wasm.ReadU32(body)
	if err != nil {
		return nil, err
	}
	// Each entry takes at least one byte, which bounds the allocation.
	if uint64(count) > uint64(len(body)-p) {
		return nil, fmt.Errorf("%d bodies cannot fit in %d bytes", count, len(body)-p)
	}
	entries := make([]codeEntry, 0, count)
	for i := range count {
		size, n, err := wasm.ReadU32(body[p:])
		if err != nil {
			return nil, fmt.Errorf("body %d: size: %v", i, err)
		}
		p += n
		if uint64(size) > uint64(len(body)-p) {
			return nil, fmt.Errorf("body %d: %d bytes past the end", i, uint64(size)-uint64(len(body)-p))
		}
		entries = append(entries, codeEntry{Start: base + p, End: base + p + int(size)})
		p += int(size)
	}
	return entries, nil
}
