// Package sniff decides early whether an input of unknown length (a pipe,
// a FIFO, a character device, standard input) may be a module, so that a
// tool given /dev/zero, /dev/urandom or a writer that never stops refuses
// it after a few bytes instead of reading until memory runs out.
//
// An input may be a module when it starts with the WebAssembly magic
// (\0asm) or an ELF header (\x7fELF, a lucet object), or when it is text
// that starts, after white space, with "(module", ";;" or "(;" and has no
// NUL byte in its first 64 KiB (no tool compiles text, but each says that
// it is text rather than that it is garbage). Anything else is refused as
// soon as enough of it has arrived to tell. Whatever is accepted is still
// read only up to a cap (Max by default).
package sniff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Max is the most of one input any tool reads: no module the decoder
// accepts comes near it, and an object larger than 4 GiB would be refused
// by the loader.
const Max = 4 << 30

// WasmMax is the most of a .wasm module any tool reads: the decoder's
// DefaultLimits.ModuleSize, past which it refuses a module anyway
// (TestWasmMaxIsDecodeLimit).
const WasmMax = 1 << 30

// TextWindow is how much of a text input is checked for NUL bytes, and how
// much white space may come before anything else.
const TextWindow = 64 << 10

// ErrNotModule says an input is none of the forms a tool reads.
var ErrNotModule = errors.New("not a WebAssembly module (no \\0asm magic), a lucet object or WebAssembly text")

// ErrDirectory says a path names a directory where a module was expected.
var ErrDirectory = errors.New("is a directory, not a module")

// TooLargeError says an input went past the cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %d bytes, the most lucet accepts", e.Limit)
}

var (
	wasmMagic = []byte("\x00asm")
	elfMagic  = []byte("\x7fELF")
	textStart = [][]byte{[]byte("(module"), []byte(";;"), []byte("(;")}
)

// IsWasm reports whether b starts with the WebAssembly magic (\0asm).
func IsWasm(b []byte) bool { return bytes.HasPrefix(b, wasmMagic) }

// IsELF reports whether b starts with the ELF magic: a lucet object (or
// some other ELF file), never a .wasm module.
func IsELF(b []byte) bool { return bytes.HasPrefix(b, elfMagic) }

// IsText reports whether b starts, after white space, the way a module
// in the text format does.
func IsText(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	for _, p := range textStart {
		if bytes.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// Check looks at the first bytes of an input, b (all of it when eof). It
// reports decided once the bytes seen settle it, with err nil when the
// input may be a module and ErrNotModule when it cannot be. An input
// that ends before it is settled (an empty or tiny one) is accepted, for
// the tool to refuse in its own words.
func Check(b []byte, eof bool) (decided bool, err error) {
	if len(b) >= 4 && (bytes.HasPrefix(b, wasmMagic) || bytes.HasPrefix(b, elfMagic)) {
		return true, nil
	}
	if len(b) < 4 && (bytes.HasPrefix(wasmMagic, b) || bytes.HasPrefix(elfMagic, b)) {
		return eof, nil
	}
	win := b[:min(len(b), TextWindow)]
	t := bytes.TrimLeft(win, " \t\r\n")
	if len(t) == 0 {
		if eof {
			return true, nil
		}
		if len(win) == TextWindow {
			return true, ErrNotModule // only white space
		}
		return false, nil
	}
	started := false
	for _, p := range textStart {
		if bytes.HasPrefix(t, p) {
			started = true
			break
		}
		if len(t) < len(p) && bytes.HasPrefix(p, t) && !eof {
			return false, nil // could still become p
		}
	}
	if !started {
		return true, ErrNotModule
	}
	if bytes.IndexByte(win, 0) >= 0 {
		return true, ErrNotModule
	}
	return eof || len(win) == TextWindow, nil
}

// ReadAll reads r to its end into b (appending; b's capacity is used
// first), refusing it with ErrNotModule as soon as Check does and with a
// *TooLargeError once more than limit bytes have come (limit <= 0: Max;
// WasmMax for a .wasm module when limit is larger).
func ReadAll(r io.Reader, b []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = Max
	}
	decided := false
	start := len(b)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		// Never more than one byte past the limit, and while undecided
		// never much past what Check needs, so a refused input is
		// refused after a small read.
		room := cap(b)
		if over := int64(start) + limit + 1; int64(room) > over {
			room = int(over)
		}
		if !decided && room-len(b) > TextWindow {
			room = len(b) + TextWindow
		}
		n, err := r.Read(b[len(b):room])
		b = b[:len(b)+n]
		eof := err == io.EOF
		if !decided {
			var cerr error
			if decided, cerr = Check(b[start:], eof); cerr != nil {
				return nil, cerr
			}
			if decided && IsWasm(b[start:]) && limit > WasmMax {
				limit = WasmMax
			}
		}
		if int64(len(b)-start) > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		if eof {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// ReadFile reads the file at path as ReadAll reads a stream when it is
// not a regular file, and a regular file as ReadSized does.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &os.PathError{Op: "read", Path: path, Err: ErrDirectory}
	}
	if !st.Mode().IsRegular() {
		return ReadAll(f, nil, limit)
	}
	return ReadSized(f, st.Size(), limit)
}

// ReadSized reads r, a regular file of size bytes (as its fstat said),
// from its start. A file larger than limit (<= 0: Max) is refused before
// it is read, and so is a .wasm module larger than WasmMax. A file larger
// than TextWindow is read whole only when its first bytes may start a
// module: a 4 GiB file of zeros given by mistake (or by an attacker) was
// read into 4 GiB of memory, for 20 s, before anything looked at it.
// Smaller files are read whole, for the tool to refuse in its own words.
// A file that grows while it is read is refused once it passes the limit.
func ReadSized(r io.Reader, size, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = Max
	}
	if size > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	// A file of at most TextWindow bytes is read into its final buffer
	// at once (as before: no extra allocation on a small module's path);
	// a larger one's head first.
	b := make([]byte, 0, min(size, TextWindow)+1)
	n, err := io.ReadFull(r, b[:min(size, TextWindow)])
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	b = b[:n]
	if size > TextWindow && n == TextWindow {
		if _, err := Check(b, false); err != nil {
			return nil, err
		}
	}
	if IsWasm(b) && limit > WasmMax {
		limit = WasmMax
		if size > limit {
			return nil, &TooLargeError{Limit: limit}
		}
	}
	if int64(cap(b)) < size+1 {
		b = append(make([]byte, 0, size+1), b...)
	}
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
