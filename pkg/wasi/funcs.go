package wasi

import (
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasi/preview1"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// hosts are the host functions, each by its name in preview1.Funcs, where its
// signature is; call.go decodes their arguments. proc_exit is not here:
// its Call only ends the guest.
//
// Those that can block watch for cancellation through the call's
// Canceler: poll_oneoff, fd_read, fd_write, sock_accept, sock_recv and
// sock_send, and path_open of a FIFO (fifo.go). (Calls on regular files
// and directories never wait; fsync on a hung network filesystem can, and
// is not among them.)
//
// An array of names and functions, not a map: static data, where a map
// was built at every program's start.
var hosts = [...]struct {
	name string
	fn   hostFn
}{
	{"args_get", argsGet},
	{"args_sizes_get", argsSizesGet},
	{"environ_get", environGet},
	{"environ_sizes_get", environSizesGet},
	{"clock_res_get", clockResGet},
	{"clock_time_get", clockTimeGet},
	{"fd_advise", fdAdvise},
	{"fd_allocate", fdAllocate},
	{"fd_close", fdClose},
	{"fd_datasync", fdDatasync},
	{"fd_fdstat_get", fdFdstatGet},
	{"fd_fdstat_set_flags", fdFdstatSetFlags},
	{"fd_fdstat_set_rights", fdFdstatSetRights},
	{"fd_filestat_get", fdFilestatGet},
	{"fd_filestat_set_size", fdFilestatSetSize},
	{"fd_filestat_set_times", fdFilestatSetTimes},
	{"fd_pread", fdPread},
	{"fd_prestat_get", fdPrestatGet},
	{"fd_prestat_dir_name", fdPrestatDirName},
	{"fd_pwrite", fdPwrite},
	{"fd_read", fdRead},
	{"fd_readdir", fdReaddir},
	{"fd_renumber", fdRenumber},
	{"fd_seek", fdSeek},
	{"fd_sync", fdSync},
	{"fd_tell", fdTell},
	{"fd_write", fdWrite},
	{"path_create_directory", pathCreateDirectory},
	{"path_filestat_get", pathFilestatGet},
	{"path_filestat_set_times", pathFilestatSetTimes},
	{"path_link", pathLink},
	{"path_open", pathOpen},
	{"path_readlink", pathReadlink},
	{"path_remove_directory", pathRemoveDirectory},
	{"path_rename", pathRename},
	{"path_symlink", pathSymlink},
	{"path_unlink_file", pathUnlinkFile},
	{"poll_oneoff", pollOneoff},
	{"proc_raise", procRaise},
	{"sched_yield", schedYield},
	{"random_get", randomGet},
	{"sock_accept", sockAccept},
	{"sock_recv", sockRecv},
	{"sock_send", sockSend},
	{"sock_shutdown", sockShutdown},
}

// hostFor returns the host function called name, nil for none.
func hostFor(name string) hostFn {
	for _, h := range hosts {
		if h.name == name {
			return h.fn
		}
	}
	return nil
}

// Funcs returns every function of wasi_snapshot_preview1 (46), proc_exit
// last, bound to s. Each call is a fresh slice; the Funcs share the System.
func (s *System) Funcs() []Func {
	shared := Shared()
	out := make([]Func, len(shared))
	for i, f := range shared {
		call := f.Call
		out[i] = Func{Name: f.Name, Params: f.Params, Results: f.Results,
			Call: func(mem Memory, stack []uint64) error { return call(s, mem, stack) }}
	}
	return out
}

// SharedFunc is a function of wasi_snapshot_preview1 not bound to a
// System: Call names the System each time. One table of them serves every
// instance in the process, so an embedder creating thousands of instances
// builds its host functions once, not 46 per instance.
type SharedFunc struct {
	Name    string
	Params  []wasm.ValType
	Results []wasm.ValType
	// Call is Func.Call for s.
	Call func(s *System, mem Memory, stack []uint64) error
}

// Shared returns the process-wide table of SharedFuncs, in the order of
// Funcs. The slice is shared: do not modify it.
func Shared() []SharedFunc { return sharedFuncs.Get() }

// sharedFuncs is a lazy.Value, not a sync.OnceValue, whose call in the
// initialiser would be package initialisation every lucet-run runs.
var sharedFuncs = lazy.Value[[]SharedFunc]{New: func() []SharedFunc {
	fs := preview1.Funcs()
	out := make([]SharedFunc, 0, len(fs))
	for _, f := range fs {
		out = append(out, newShared(f))
	}
	return out
}}

// SharedNamed returns the SharedFunc called name, made for this call: for
// a caller that needs a few, without building Shared's whole table.
func SharedNamed(name string) (SharedFunc, bool) {
	for _, f := range preview1.Funcs() {
		if f.Name == name {
			return newShared(f), true
		}
	}
	return SharedFunc{}, false
}

func newShared(f preview1.Func) SharedFunc {
	sf := SharedFunc{Name: f.Name, Params: f.Type.Params, Results: f.Type.Results}
	fn, nparams := hostFor(f.Name), len(f.Type.Params)
	switch {
	case f.Name == "proc_exit":
		sf.Call = func(s *System, mem Memory, stack []uint64) error {
			return &ExitError{Code: uint32(stack[0])}
		}
	case fn == nil:
		panic("wasi: no host function for " + f.Name)
	default:
		sf.Call = func(s *System, mem Memory, stack []uint64) error {
			// The arguments are read in place: the result overwrites
			// stack[0] only once the function has returned. (A copy
			// on the Go stack would escape through fn and cost an
			// allocation per call.)
			var c call
			c.s, c.a, c.mem = s, stack[:nparams:nparams], mem
			if mem != nil {
				c.m = mem.Bytes()
			}
			// Deferred, so that a host function that panics (a bug;
			// execute turns the panic into the call's error) still
			// unpins its fd entries and gives back its iovec array. An
			// open-coded defer: no allocation, and c stays on the stack
			// (TestCallPointerNeverEscapes).
			defer c.done()
			e := fn(noescape(&c))
			if e == errnoCancelled {
				if err := mem.(Canceler).Err(); err != nil {
					return err
				}
				return errCancelled
			}
			stack[0] = uint64(e)
			return nil
		}
	}
	return sf
}
