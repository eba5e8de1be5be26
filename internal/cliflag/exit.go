package cliflag

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/internal/version"
)

// Exit statuses, the same for every tool (the README and each --help say
// so): wasmtime's for a trap, timeout(1)'s for a timeout.
const (
	ExitOK      = 0   // success
	ExitRefused = 1   // an input was refused (unreadable, invalid, failed to compile, load or link) or the output could not be written
	ExitUsage   = 2   // the command line is wrong
	ExitTimeout = 124 // --timeout expired (compiling or running)
	ExitTrap    = 134 // the guest trapped (as a SIGABRT'd process reports)
)

// ExitHelp is the exit-status paragraph of every tool's --help.
const ExitHelp = "Exit status: 0 success; 1 an input was refused (unreadable, invalid,\n" +
	"failed to compile or load) or the output could not be written;\n" +
	"2 usage error"

// RunExitHelp is lucet-run's, which adds the guest's outcomes.
const RunExitHelp = ExitHelp + "; 124 timeout (compiling included); 134 guest trap;\n" +
	"otherwise the guest's own proc_exit status (1 past 255)."

// GuestStatus is a tool's exit status for the guest's proc_exit(code), the
// status itself from 0 to 255. A process keeps only the low 8 bits of its
// status: proc_exit(256) made lucet-run exit 0, a failing guest passed off
// as a success (and 390 as 134, a trap). Past 255 it is ExitRefused, with
// a line to w saying why, as wasmtime answers every status from 126 on.
func GuestStatus(tool string, w io.Writer, code int) int {
	if code >= 0 && code <= 255 {
		return code
	}
	fmt.Fprintf(w, "%s: the guest exited with status %d, past the 255 a process status holds\n", tool, code)
	return ExitRefused
}

// versionFlag is --version alone: -v is --verbose in lucetc.
var versionFlag = &cli.BoolFlag{Name: "version", Usage: "print the lucet version and VCS revision"}

var setVersionFlag sync.Once

// Version is what --version prints after the tool's name: the module
// version and VCS revision (internal/version). Set it as cli.App.Version.
// Its first call also makes versionFlag and the printer urfave/cli's,
// which only an App with a Version registers: done here rather than in a
// package initialisation, which ran at every start of lucet-run (a heap
// allocation and a write to a page of urfave/cli's data, 2 page faults a
// run by perf record -e page-faults), where `lucet-run hello.so` makes no
// App at all.
func Version() string {
	setVersionFlag.Do(func() {
		cli.VersionFlag = versionFlag
		cli.VersionPrinter = func(c *cli.Context) {
			fmt.Fprintf(c.App.Writer, "%s %s\n", c.App.Name, c.App.Version)
		}
	})
	return version.Get().String()
}

// PrintVersion handles --version for a tool whose flags live elsewhere: if
// args (os.Args) ask for it before any "--", it prints the version line to
// w and reports true.
func PrintVersion(args []string, w io.Writer, name string) bool {
	for _, a := range args[1:] {
		if a == "--" {
			return false
		}
		if a == "--version" || a == "-version" {
			fmt.Fprintf(w, "%s %s\n", name, Version())
			return true
		}
	}
	return false
}

// ErrTerminal is returned by ReadInput for "-" when standard input is a
// terminal: no tool waits for a module to be typed.
var ErrTerminal = errors.New("standard input is a terminal; give a file, or pipe the module in")

// ErrEmptyPath is a module path given as "" (an unset shell variable,
// `lucetc "$M"`): open("") fails with "no such file or directory", which
// named no file and read as a missing module, exit 1, where it is a
// usage error.
var ErrEmptyPath = errors.New(`the module path is empty (""); give a file, or - for standard input`)

// CheckPaths returns ErrEmptyPath when any of paths, the module arguments
// of a command line, is "". Every tool checks its module arguments here
// before reading any, and ReadInput checks again.
func CheckPaths(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			return ErrEmptyPath
		}
	}
	return nil
}

// IsUsage reports whether err, from ReadInput or CheckPaths, is about the
// command line rather than the input (exit ExitUsage, not ExitRefused).
func IsUsage(err error) bool {
	return errors.Is(err, ErrEmptyPath) || errors.Is(err, ErrTerminal)
}

// ReadInput reads the module named path, "-" meaning stdin (refused when
// it is a terminal), and at most limit bytes of it (0: sniff.Max, 4 GiB;
// more is refused). It returns the name errors should use for it: the
// path, or "<stdin>". Errors other than ErrEmptyPath and ErrTerminal
// (see IsUsage) start with that name; a directory is refused
// with a clear message. Every tool that takes a module reads it here.
//
// An input of unknown length (a pipe, a FIFO, a character device such as
// /dev/zero) is refused as soon as its first bytes show it cannot be a
// module (see package sniff), so an endless one ends in one line too.
func ReadInput(path string, stdin io.Reader, limit int) (name string, b []byte, err error) {
	if limit <= 0 {
		limit = sniff.Max
	}
	name = path
	if path == "" {
		return name, nil, ErrEmptyPath
	}
	if path != "-" {
		b, err = sniff.ReadFile(path, int64(limit))
	} else {
		name = "<stdin>"
		switch {
		case IsTerminal(stdin):
			return name, nil, ErrTerminal
		case isStream(stdin):
			b, err = sniff.ReadAll(stdin, nil, int64(limit))
		default:
			b, err = readAll(io.LimitReader(stdin, int64(limit)+1), nil)
			if err == nil && len(b) > limit {
				err = &sniff.TooLargeError{Limit: int64(limit)}
			}
		}
	}
	if err != nil {
		return name, nil, fmt.Errorf("%s: %w", name, UnwrapPath(err))
	}
	return name, b, nil
}

// isStream says whether r is a file of unknown length (a pipe, a FIFO, a
// device), which sniff reads with care.
func isStream(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err != nil || !st.Mode().IsRegular()
}

// UnwrapPath drops the operation and path an *os.PathError repeats, since
// the message already starts with the name.
func UnwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NameFile makes err name the user's file once: "path: reason". An
// *os.PathError about path gives up its own operation and path, and an
// error that names path already is left as it is.
func NameFile(path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	} else if names(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// names says whether msg names path the way errors do, as a word
// followed by a colon ("load: PATH: ..."): a file called "empty" or
// "module" is not named by "the file is empty" or "not a WebAssembly
// module", which a plain substring test took for its name, and the
// message then named no file at all.
func names(msg, path string) bool {
	for i := 0; path != ""; {
		j := strings.Index(msg[i:], path)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(path)
		if (j == 0 || msg[j-1] == ' ') && end < len(msg) && msg[end] == ':' {
			return true
		}
		i = j + 1
	}
	return false
}

// readAll is io.ReadAll appending to b, whose capacity it uses first.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
