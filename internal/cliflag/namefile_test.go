package cliflag

import (
	"errors"
	"os"
	"testing"
)

func TestNameFile(t *testing.T) {
	base := errors.New("bad magic")
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{&os.PathError{Op: "open", Path: "x.so", Err: os.ErrNotExist}, "x.so: file does not exist"},
		{&os.PathError{Op: "open", Path: "other", Err: os.ErrNotExist}, "x.so: open other: file does not exist"},
		{errors.New("load x.so: truncated"), "load x.so: truncated"},
		{base, "x.so: bad magic"},
		{errors.New("load: x.so: read: bad"), "load: x.so: read: bad"},
	} {
		got := NameFile("x.so", c.err)
		if (got == nil) != (c.err == nil) || got != nil && got.Error() != c.want {
			t.Errorf("NameFile(%v) = %v, want %q", c.err, got, c.want)
		}
	}
	// A file whose name is a word of the message is still named: lucet-run
	// said "not a WebAssembly module or a lucet object: the file is empty"
	// of a file called "empty", naming no file.
	for _, c := range []struct{ path, msg string }{
		{"empty", "not a WebAssembly module or a lucet object: the file is empty"},
		{"module", "not a WebAssembly module or a lucet object (starts with 68 69)"},
		{"x", "load: y/x: read: bad"},
		{"a.so", "load: a.so.bak: bad"},
	} {
		if got, want := NameFile(c.path, errors.New(c.msg)).Error(), c.path+": "+c.msg; got != want {
			t.Errorf("NameFile(%q, %q) = %q, want %q", c.path, c.msg, got, want)
		}
	}
	if !errors.Is(NameFile("x.so", base), base) {
		t.Error("NameFile does not wrap the reason")
	}
}
