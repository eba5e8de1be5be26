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
	} {
		got := NameFile("x.so", c.err)
		if (got == nil) != (c.err == nil) || got != nil && got.Error() != c.want {
			t.Errorf("NameFile(%v) = %v, want %q", c.err, got, c.want)
		}
	}
	if !errors.Is(NameFile("x.so", base), base) {
		t.Error("NameFile does not wrap the reason")
	}
}
