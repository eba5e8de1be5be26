package wasi

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// openLoop opens path beneath dirfd read-only until an open fails and
// returns how many succeeded and the errno that stopped it.
func openLoop(h *harness, dirfd uint32, path string, atMost int) (int, Errno) {
	h.t.Helper()
	for n := 0; n < atMost; n++ {
		if _, e := h.open(dirfd, false, path, 0, rightFdRead, 0, 0); e != ErrnoSuccess {
			return n, e
		}
	}
	return atMost, ErrnoSuccess
}

// A guest opening files in a loop stops at MaxOpenFiles (stdio and the
// preopen counted) with EMFILE, and the host can still open files.
func TestMaxOpenFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int
		opens int // guest opens before EMFILE: limit - stdio - preopen
	}{
		{"explicit", 10, 10 - 4},
		{"default", 0, DefaultMaxOpenFiles - 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, Config{MaxOpenFiles: tc.limit, Preopens: []Preopen{{HostPath: dir, GuestPath: "/"}}})
			n, e := openLoop(h, 3, "f", tc.opens+10)
			if n != tc.opens || e != ErrnoMfile {
				t.Fatalf("opened %d then errno %d, want %d then EMFILE (%d)", n, e, tc.opens, ErrnoMfile)
			}
			f, err := os.Open(filepath.Join(dir, "f"))
			if err != nil {
				t.Fatalf("host open at the guest's limit: %v", err)
			}
			f.Close()
			// Closing one makes room for exactly one more.
			h.must("fd_close", 4)
			if n, e := openLoop(h, 3, "f", 5); n != 1 || e != ErrnoMfile {
				t.Fatalf("after a close: opened %d then errno %d, want 1 then EMFILE", n, e)
			}
		})
	}
}

func TestMaxOpenFilesConfig(t *testing.T) {
	dir := t.TempDir()
	for _, cfg := range []Config{
		{MaxOpenFiles: -1},
		{MaxOutputBytes: -1},
		{MaxOpenFiles: 4, Preopens: []Preopen{{HostPath: dir}, {HostPath: dir}}},
	} {
		if s, err := New(cfg); err == nil {
			s.Close()
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}

// Past the process-wide budget every System's guest gets ENFILE, and the
// budget comes back as fds close.
func TestProcessFDBudget(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir}}})
	b := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir}}})
	hostFDCapOverride.Store(hostFDs.Load() + 3)
	t.Cleanup(func() { hostFDCapOverride.Store(0) })
	if n, e := openLoop(a, 3, "f", 2); n != 2 || e != ErrnoSuccess {
		t.Fatalf("a: opened %d, errno %d", n, e)
	}
	if n, e := openLoop(b, 3, "f", 5); n != 1 || e != ErrnoNfile {
		t.Fatalf("b: opened %d then errno %d, want 1 then ENFILE (%d)", n, e, ErrnoNfile)
	}
	a.must("fd_close", 4)
	if n, e := openLoop(b, 3, "f", 5); n != 1 || e != ErrnoNfile {
		t.Fatalf("b after a's close: opened %d then errno %d, want 1 then ENFILE", n, e)
	}
	if _, err := New(Config{Preopens: []Preopen{{HostPath: dir}}}); err == nil {
		t.Fatal("New with a preopen past the budget succeeded")
	}
}

// MaxOutputBytes: stdout and stderr share the budget; a write that crosses
// it is cut short, the next fails with EFBIG, and the embedder can tell.
// Files are not counted.
func TestMaxOutputBytes(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for _, tc := range []struct {
		name   string
		stdout io.Writer
		got    func() string
	}{
		{"writer", new(bytes.Buffer), nil},
		{"pipe", pw, func() string { b := make([]byte, 64); n, _ := pr.Read(b); return string(b[:n]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var stderr bytes.Buffer
			hits := 0
			h := newHarness(t, Config{Stdout: tc.stdout, Stderr: &stderr, MaxOutputBytes: 12, Preopens: []Preopen{{HostPath: dir}},
				OnOutputLimit: func() { hits++ }})
			if n := h.write(1, []byte("hello ")); n != 6 || h.s.OutputLimited() {
				t.Fatalf("first write: %d bytes, limited %v", n, h.s.OutputLimited())
			}
			if n := h.write(2, []byte("err")); n != 3 {
				t.Fatalf("stderr write: %d bytes", n)
			}
			if n := h.write(1, []byte("wor"), []byte("ld")); n != 3 || !h.s.OutputLimited() {
				t.Fatalf("crossing write: %d bytes (want 3), limited %v", n, h.s.OutputLimited())
			}
			ip, ic, _ := h.iov([]byte("more"))
			out := h.alloc(4)
			h.expect(ErrnoFbig, "fd_write", 1, ip, ic, uint64(out))
			h.expect(ErrnoFbig, "fd_write", 2, ip, ic, uint64(out))
			if hits != 1 {
				t.Errorf("OnOutputLimit called %d times, want once", hits)
			}
			// An empty write is no output.
			ip, ic, _ = h.iov([]byte{})
			h.must("fd_write", 1, ip, ic, uint64(out))

			if tc.got != nil {
				if got := tc.got(); got != "hello wor" {
					t.Errorf("stdout got %q", got)
				}
			} else if got := tc.stdout.(*bytes.Buffer).String(); got != "hello wor" {
				t.Errorf("stdout got %q", got)
			}
			if stderr.String() != "err" {
				t.Errorf("stderr got %q", stderr.String())
			}
			fd, e := h.open(3, false, "file", oflagCreat, rightFdWrite, 0, 0)
			if e != ErrnoSuccess {
				t.Fatalf("open: %d", e)
			}
			if n := h.write(fd, bytes.Repeat([]byte("x"), 100)); n != 100 {
				t.Fatalf("file write: %d bytes", n)
			}
		})
	}
}

// A read-only preopen refuses every write path, on it and beneath it, with
// wasmtime's errnos, and reads still work.
func TestReadOnlyPreopen(t *testing.T) {
	eachResolver(t, func(t *testing.T, walk bool) {
		dir := t.TempDir()
		write := func(p, s string) {
			if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		write("f", "data")
		write("sub/g", "more")
		h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "/ro", ReadOnly: true}}})
		h.s.walk = walk

		// What fdstat shows: no mutate right, in base or inheriting.
		st := h.alloc(24)
		h.must("fd_fdstat_get", 3, uint64(st))
		if base, inh := h.u64(st+8), h.u64(st+16); base&rightsMutate != 0 || inh&rightsMutate != 0 {
			t.Fatalf("read-only preopen rights base %#x inheriting %#x hold mutate rights", base, inh)
		}
		// Reads work, including a Go-style os.Open that asks for more
		// rights than it needs (Go's fileRights minus its writeRights).
		const goReadRights = rightsFileBase&^(rightFdDatasync|rightFdWrite|rightFdAllocate) |
			rightPathCreateFile | rightPathUnlinkFile | rightFdReaddir
		f, e := h.open(3, true, "f", 0, goReadRights, rightsFileBase|rightsDirBase, 0)
		if e != ErrnoSuccess {
			t.Fatalf("read-only open: errno %d", e)
		}
		if got := string(h.read(f, 16)); got != "data" {
			t.Fatalf("read %q", got)
		}
		sub, e := h.open(3, true, "sub", oflagDirectory, rightsDirBase, rightsAll, 0)
		if e != ErrnoSuccess {
			t.Fatalf("open sub: errno %d", e)
		}
		g, e := h.open(sub, true, "g", 0, rightFdRead, 0, 0)
		if e != ErrnoSuccess {
			t.Fatalf("open sub/g: errno %d", e)
		}

		iop, ioc, _ := h.iov([]byte("x"))
		out := h.alloc(8)
		str := func(s string) (uint64, uint64) { return h.str(s) }
		for _, tc := range []struct {
			name string
			want Errno
			call func() Errno
		}{
			{"create", ErrnoPerm, func() Errno { _, e := h.open(3, false, "new", oflagCreat, rightFdRead, 0, 0); return e }},
			{"create beneath", ErrnoPerm, func() Errno { _, e := h.open(sub, false, "new", oflagCreat, rightFdRead, 0, 0); return e }},
			{"open for write", ErrnoPerm, func() Errno { _, e := h.open(3, false, "f", 0, rightFdRead|rightFdWrite, 0, 0); return e }},
			{"open for write beneath", ErrnoPerm, func() Errno { _, e := h.open(sub, false, "g", 0, rightFdWrite, 0, 0); return e }},
			{"truncate on open", ErrnoPerm, func() Errno { _, e := h.open(3, false, "f", oflagTrunc, rightFdRead, 0, 0); return e }},
			{"write", ErrnoBadf, func() Errno { return h.call("fd_write", uint64(f), iop, ioc, uint64(out)) }},
			{"write beneath", ErrnoBadf, func() Errno { return h.call("fd_write", uint64(g), iop, ioc, uint64(out)) }},
			{"pwrite", ErrnoBadf, func() Errno { return h.call("fd_pwrite", uint64(f), iop, ioc, 0, uint64(out)) }},
			{"set size", ErrnoPerm, func() Errno { return h.call("fd_filestat_set_size", uint64(f), 0) }},
			{"allocate", ErrnoPerm, func() Errno { return h.call("fd_allocate", uint64(f), 0, 10) }},
			{"datasync", ErrnoPerm, func() Errno { return h.call("fd_datasync", uint64(f)) }},
			{"fd set times", ErrnoPerm, func() Errno { return h.call("fd_filestat_set_times", uint64(f), 0, 0, fstMtimNow) }},
			{"dir set times", ErrnoPerm, func() Errno { return h.call("fd_filestat_set_times", 3, 0, 0, fstMtimNow) }},
			{"path set times", ErrnoPerm, func() Errno {
				p, l := str("f")
				return h.call("path_filestat_set_times", 3, 0, p, l, 0, 0, fstMtimNow)
			}},
			{"mkdir", ErrnoPerm, func() Errno { return h.p1("path_create_directory", 3, "d") }},
			{"mkdir beneath", ErrnoPerm, func() Errno { return h.p1("path_create_directory", sub, "d") }},
			{"rmdir", ErrnoPerm, func() Errno { return h.p1("path_remove_directory", 3, "empty") }},
			{"unlink", ErrnoPerm, func() Errno { return h.p1("path_unlink_file", 3, "f") }},
			{"unlink beneath", ErrnoPerm, func() Errno { return h.p1("path_unlink_file", sub, "g") }},
			{"rename", ErrnoPerm, func() Errno { return h.rename(3, "f", 3, "f2") }},
			{"link", ErrnoPerm, func() Errno { return h.link(3, false, "f", 3, "f2") }},
			{"symlink", ErrnoPerm, func() Errno { return h.symlink("f", 3, "l") }},
			{"regain rights", ErrnoNotcapable, func() Errno { return h.call("fd_fdstat_set_rights", 3, rightsDirBase, rightsAll) }},
		} {
			if got := tc.call(); got != tc.want {
				t.Errorf("%s: errno %d, want %d", tc.name, got, tc.want)
			}
		}
		// Nothing changed on the host.
		for p, want := range map[string]string{"f": "data", "sub/g": "more"} {
			if b, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(b) != want {
				t.Errorf("%s now %q, %v", p, b, err)
			}
		}
		for _, p := range []string{"new", "sub/new", "d", "sub/d", "f2", "l"} {
			if exists(filepath.Join(dir, p)) {
				t.Errorf("%s was created", p)
			}
		}
		if !exists(filepath.Join(dir, "empty")) {
			t.Error("empty was removed")
		}
	})
}
