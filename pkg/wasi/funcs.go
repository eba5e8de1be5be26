package wasi

import (
	"sync"

	"github.com/lucet-go/lucet/pkg/wasi/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

type hostFn func(s *System, m []byte, a []uint64) Errno

// waitFn is a host function that can block; it gives up, answering
// cancelled, once c's Done is closed. c is nil when the memory is no
// Canceler: the call then waits as long as it takes.
type waitFn func(s *System, m []byte, a []uint64, c Canceler) (e Errno, cancelled bool)

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

// hosts are the other host functions, each by its name in abi.Funcs, where
// its signature is. proc_exit is neither: its Call only ends the guest.
var hosts = map[string]hostFn{
	"args_get":                (*System).argsGet,
	"args_sizes_get":          (*System).argsSizesGet,
	"environ_get":             (*System).environGet,
	"environ_sizes_get":       (*System).environSizesGet,
	"clock_res_get":           (*System).clockResGet,
	"clock_time_get":          (*System).clockTimeGet,
	"fd_advise":               (*System).fdAdvise,
	"fd_allocate":             (*System).fdAllocate,
	"fd_close":                (*System).fdClose,
	"fd_datasync":             (*System).fdDatasync,
	"fd_fdstat_get":           (*System).fdFdstatGet,
	"fd_fdstat_set_flags":     (*System).fdFdstatSetFlags,
	"fd_fdstat_set_rights":    (*System).fdFdstatSetRights,
	"fd_filestat_get":         (*System).fdFilestatGet,
	"fd_filestat_set_size":    (*System).fdFilestatSetSize,
	"fd_filestat_set_times":   (*System).fdFilestatSetTimes,
	"fd_pread":                (*System).fdPread,
	"fd_prestat_get":          (*System).fdPrestatGet,
	"fd_prestat_dir_name":     (*System).fdPrestatDirName,
	"fd_pwrite":               (*System).fdPwrite,
	"fd_readdir":              (*System).fdReaddir,
	"fd_renumber":             (*System).fdRenumber,
	"fd_seek":                 (*System).fdSeek,
	"fd_sync":                 (*System).fdSync,
	"fd_tell":                 (*System).fdTell,
	"path_create_directory":   (*System).pathCreateDirectory,
	"path_filestat_get":       (*System).pathFilestatGet,
	"path_filestat_set_times": (*System).pathFilestatSetTimes,
	"path_link":               (*System).pathLink,
	"path_open":               (*System).pathOpen,
	"path_readlink":           (*System).pathReadlink,
	"path_remove_directory":   (*System).pathRemoveDirectory,
	"path_rename":             (*System).pathRename,
	"path_symlink":            (*System).pathSymlink,
	"path_unlink_file":        (*System).pathUnlinkFile,
	"proc_raise":              (*System).procRaise,
	"sched_yield":             (*System).schedYield,
	"random_get":              (*System).randomGet,
	"sock_shutdown":           (*System).sockShutdown,
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
	fs := abi.Funcs()
	out := make([]SharedFunc, 0, len(fs))
	for _, f := range fs {
		sf := SharedFunc{Name: f.Name, Params: f.Type.Params, Results: f.Type.Results}
		fn, wait, nparams := hosts[f.Name], waits[f.Name], len(f.Type.Params)
		switch {
		case f.Name == "proc_exit":
			sf.Call = func(s *System, mem Memory, stack []uint64) error {
				return &ExitError{Code: uint32(stack[0])}
			}
		case fn == nil && wait == nil:
			panic("wasi: no host function for " + f.Name)
		default:
			sf.Call = func(s *System, mem Memory, stack []uint64) error {
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
			}
		}
		out = append(out, sf)
	}
	return out
})
