package wasi

import (
	"sync"

	"github.com/lucet-go/lucet/pkg/wasm"
)

type hostFn func(s *System, m []byte, a []uint64) Errno

// waitFn is a host function that can block; it gives up, answering
// cancelled, once c's Done is closed. c is nil when the memory is no
// Canceler: the call then waits as long as it takes.
type waitFn func(s *System, m []byte, a []uint64, c Canceler) (e Errno, cancelled bool)

type fnSpec struct {
	name   string
	params []wasm.ValType
	fn     hostFn // nil for the functions in waits
}

// waits are the host functions that can block, and so watch for
// cancellation. (Calls on regular files and directories never wait; a
// path_open of a FIFO, or fsync on a hung network filesystem, can, and is
// not among them.)
var waits = map[string]waitFn{
	"poll_oneoff": (*System).pollOneoff,
	"fd_read":     (*System).fdRead,
	"fd_write":    (*System).fdWrite,
	"sock_accept": (*System).sockAccept,
	"sock_recv":   (*System).sockRecv,
	"sock_send":   (*System).sockSend,
}

const (
	i32 = wasm.I32
	i64 = wasm.I64
)

func sig(ts ...wasm.ValType) []wasm.ValType { return ts }

// specs lists every wasi_snapshot_preview1 function with its core-wasm
// parameter list (witx lowered: handles, pointers, sizes and flags of up to
// 32 bits are i32; rights, offsets, timestamps, filesize are i64). All but
// proc_exit return one i32 errno.
var specs = []fnSpec{
	{"args_get", sig(i32, i32), (*System).argsGet},
	{"args_sizes_get", sig(i32, i32), (*System).argsSizesGet},
	{"environ_get", sig(i32, i32), (*System).environGet},
	{"environ_sizes_get", sig(i32, i32), (*System).environSizesGet},
	{"clock_res_get", sig(i32, i32), (*System).clockResGet},
	{"clock_time_get", sig(i32, i64, i32), (*System).clockTimeGet},
	{"fd_advise", sig(i32, i64, i64, i32), (*System).fdAdvise},
	{"fd_allocate", sig(i32, i64, i64), (*System).fdAllocate},
	{"fd_close", sig(i32), (*System).fdClose},
	{"fd_datasync", sig(i32), (*System).fdDatasync},
	{"fd_fdstat_get", sig(i32, i32), (*System).fdFdstatGet},
	{"fd_fdstat_set_flags", sig(i32, i32), (*System).fdFdstatSetFlags},
	{"fd_fdstat_set_rights", sig(i32, i64, i64), (*System).fdFdstatSetRights},
	{"fd_filestat_get", sig(i32, i32), (*System).fdFilestatGet},
	{"fd_filestat_set_size", sig(i32, i64), (*System).fdFilestatSetSize},
	{"fd_filestat_set_times", sig(i32, i64, i64, i32), (*System).fdFilestatSetTimes},
	{"fd_pread", sig(i32, i32, i32, i64, i32), (*System).fdPread},
	{"fd_prestat_get", sig(i32, i32), (*System).fdPrestatGet},
	{"fd_prestat_dir_name", sig(i32, i32, i32), (*System).fdPrestatDirName},
	{"fd_pwrite", sig(i32, i32, i32, i64, i32), (*System).fdPwrite},
	{"fd_read", sig(i32, i32, i32, i32), nil},
	{"fd_readdir", sig(i32, i32, i32, i64, i32), (*System).fdReaddir},
	{"fd_renumber", sig(i32, i32), (*System).fdRenumber},
	{"fd_seek", sig(i32, i64, i32, i32), (*System).fdSeek},
	{"fd_sync", sig(i32), (*System).fdSync},
	{"fd_tell", sig(i32, i32), (*System).fdTell},
	{"fd_write", sig(i32, i32, i32, i32), nil},
	{"path_create_directory", sig(i32, i32, i32), (*System).pathCreateDirectory},
	{"path_filestat_get", sig(i32, i32, i32, i32, i32), (*System).pathFilestatGet},
	{"path_filestat_set_times", sig(i32, i32, i32, i32, i64, i64, i32), (*System).pathFilestatSetTimes},
	{"path_link", sig(i32, i32, i32, i32, i32, i32, i32), (*System).pathLink},
	{"path_open", sig(i32, i32, i32, i32, i32, i64, i64, i32, i32), (*System).pathOpen},
	{"path_readlink", sig(i32, i32, i32, i32, i32, i32), (*System).pathReadlink},
	{"path_remove_directory", sig(i32, i32, i32), (*System).pathRemoveDirectory},
	{"path_rename", sig(i32, i32, i32, i32, i32, i32), (*System).pathRename},
	{"path_symlink", sig(i32, i32, i32, i32, i32), (*System).pathSymlink},
	{"path_unlink_file", sig(i32, i32, i32), (*System).pathUnlinkFile},
	{"poll_oneoff", sig(i32, i32, i32, i32), nil},
	{"proc_raise", sig(i32), (*System).procRaise},
	{"sched_yield", sig(), (*System).schedYield},
	{"random_get", sig(i32, i32), (*System).randomGet},
	{"sock_accept", sig(i32, i32, i32), nil},
	{"sock_recv", sig(i32, i32, i32, i32, i32, i32), nil},
	{"sock_send", sig(i32, i32, i32, i32, i32), nil},
	{"sock_shutdown", sig(i32, i32), (*System).sockShutdown},
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
func Shared() []SharedFunc { return sharedFuncs() }

var sharedFuncs = sync.OnceValue(func() []SharedFunc {
	out := make([]SharedFunc, 0, len(specs)+1)
	i32 := []wasm.ValType{wasm.I32}
	for _, sp := range specs {
		fn, wait, nparams := sp.fn, waits[sp.name], len(sp.params)
		out = append(out, SharedFunc{
			Name:    sp.name,
			Params:  sp.params,
			Results: i32,
			Call: func(s *System, mem Memory, stack []uint64) error {
				// The arguments are read in place: the result overwrites
				// stack[0] only once the function has returned. (A copy
				// on the Go stack would escape through fn and cost an
				// allocation per call.)
				args := stack[:nparams:nparams]
				var m []byte
				if mem != nil {
					m = mem.Bytes()
				}
				if wait == nil {
					stack[0] = uint64(fn(s, m, args))
					return nil
				}
				c, _ := mem.(Canceler)
				e, cancelled := wait(s, m, args, c)
				if cancelled {
					if err := c.Err(); err != nil {
						return err
					}
					return errCancelled
				}
				stack[0] = uint64(e)
				return nil
			},
		})
	}
	out = append(out, SharedFunc{
		Name:   "proc_exit",
		Params: i32,
		Call: func(s *System, mem Memory, stack []uint64) error {
			return &ExitError{Code: uint32(stack[0])}
		},
	})
	return out
})
