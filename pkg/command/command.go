// Package command runs a compiled module the way lucet-run does: it links
// wasi_snapshot_preview1 and any preloaded modules into a store,
// instantiates the module, and either calls its entry point (_start),
// turning proc_exit into an exit status (Run), or calls one export with
// arguments in the value text format (Invoke).
//
// In: a loaded module, a store and the world the guest may see (argv,
// environment, stdio, preopened directories, preloads, what unknown
// imports become). Out: the guest's exit status or results, or the trap or
// host failure that ended it.
package command

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Options describe one run.
type Options struct {
	Args     []string // argv, argv[0] included
	Env      []string // NAME=VALUE; nothing is inherited
	Preopens []wasi.Preopen
	// Stdio; nil: the host's. An *os.File (a pipe, a tty, a socket) is
	// waited on in poll(2), where a timeout or kill reaches the guest; a
	// Reader or Writer that blocks in Read or Write holds a stopped guest
	// until it returns.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Sockets are handed to the guest as the fds after the preopens
	// (listeners for sock_accept, or connected sockets); the caller keeps
	// and closes its own.
	Sockets []syscall.Conn
	// Entry is the export to call; "" means _start.
	Entry string
	// Preloads are instantiated first; the module's imports from their
	// names resolve to their exports (see Instantiate).
	Preloads []Preload
	// UnknownImports is what an unresolved function import becomes.
	UnknownImports UnknownImports
	// MaxOpenFiles bounds the guest's fd table, stdio and preopens
	// included (0: wasi.DefaultMaxOpenFiles); past it opens fail with
	// EMFILE.
	MaxOpenFiles int
	// MaxOutputBytes bounds what the guest writes to stdout and stderr
	// together (0: no limit); the write that crosses it is cut short and
	// later ones fail with EFBIG (Instance.OutputLimited reports it).
	MaxOutputBytes int64
}

// Imports returns the WASI functions of sys as execute imports, bound to
// sys: 46 host functions made for this call. For many instances, use
// SharedImports instead.
func Imports(sys *wasi.System) execute.ImportMap {
	fns := sys.Funcs()
	mod := make(map[string]execute.Extern, len(fns))
	for _, f := range fns {
		call := f.Call
		mod[f.Name] = execute.NewHostFunc(wasm.FuncType{Params: f.Params, Results: f.Results},
			func(c *execute.Caller, stack []uint64) error { return call((*callerMemory)(c), stack) })
	}
	return execute.ImportMap{wasi.ModuleName: mod}
}

// SharedImports returns the WASI functions as execute imports made once
// per process: each call finds its wasi.System as the calling store's
// Data (Store.SetData), so instantiating costs no host functions at all.
// The map is shared: do not modify it.
func SharedImports() execute.ImportMap { return sharedImports.Get() }

// ErrNoSystem is returned by a shared WASI function called from a store
// whose Data is not a *wasi.System.
var ErrNoSystem error = constError("command: WASI function called from a store without a wasi.System (Store.SetData)")

// constError is a sentinel error the compiler lays out as static data:
// errors.New in a variable's initialiser is package initialisation that
// every lucet-run ran at start.
type constError string

func (e constError) Error() string { return string(e) }

// sharedImports is a lazy.Value, not a sync.OnceValue, whose call in the
// initialiser would be package initialisation every lucet-run runs.
var sharedImports = lazy.Value[execute.ImportMap]{New: func() execute.ImportMap {
	return WASIImports(func(data any) *wasi.System {
		sys, _ := data.(*wasi.System)
		return sys
	})
}}

// WASIImports returns the WASI functions as execute imports for stores
// whose Data leads to their wasi.System: system maps the calling store's
// Data to it (nil: it has none, and the call fails with ErrNoSystem).
// Make them once and share them, as SharedImports does for a Data that is
// the System itself; an embedder whose Data is its own instance type
// (package lucet) passes a system that looks inside it.
func WASIImports(system func(data any) *wasi.System) execute.ImportMap {
	fns := wasi.Shared()
	mod := make(map[string]execute.Extern, len(fns))
	for _, f := range fns {
		call := f.Call
		mod[f.Name] = execute.NewHostFunc(wasm.FuncType{Params: f.Params, Results: f.Results},
			func(c *execute.Caller, stack []uint64) error {
				sys := system(c.Data())
				if sys == nil {
					return ErrNoSystem
				}
				return call(sys, (*callerMemory)(c), stack)
			})
	}
	return execute.ImportMap{wasi.ModuleName: mod}
}

// callerMemory shows a host call's caller to WASI as its memory, and as
// its wasi.Canceler so a guest sleeping in poll_oneoff or waiting in
// fd_read, fd_write or a socket call is stopped by a timeout, a context or
// Store.Kill too; a pointer conversion, so nothing is allocated per call.
type callerMemory execute.Caller

var _ wasi.Canceler = (*callerMemory)(nil)

func (c *callerMemory) Bytes() []byte { return (*execute.Caller)(c).Memory() }

func (c *callerMemory) Done() <-chan struct{} { return (*execute.Caller)(c).Done() }

// Err is execute's interrupt trap, so a cancelled wait reads as the
// timeout it is.
func (c *callerMemory) Err() error { return (*execute.Caller)(c).Err() }

// Run instantiates mod in store with WASI and calls its entry point. It
// returns the exit status: the guest's proc_exit code, or 0 when the entry
// point returns. A trap or host failure is returned as the error.
func Run(store *execute.Store, mod *load.Module, opts Options) (int, error) {
	inst, err := Instantiate(store, mod, opts)
	if err != nil {
		return exitStatus(err)
	}
	defer inst.Close()
	return inst.Run(opts.Entry)
}

// Run calls the export entry ("" means _start), which takes and returns
// nothing, and returns the exit status as the package's Run does.
func (i *Instance) Run(entry string) (int, error) {
	if entry == "" {
		entry = "_start"
	}
	f := i.Func(entry)
	if f == nil {
		return 0, fmt.Errorf("module exports no function %q", entry)
	}
	if t := f.Type(); len(t.Params) != 0 || len(t.Results) != 0 {
		return 0, fmt.Errorf("entry point %q has type %s, want [] -> []", entry, t)
	}
	_, err := f.Call()
	return exitStatus(err)
}

// Link gives store WASI as opts describes (opts.Entry aside): a
// wasi.System made from opts becomes the store's Data, which the returned
// imports reach (the functions of SharedImports, each made on its first
// lookup). The caller closes the System once the store's WASI instances
// are done with.
func Link(store *execute.Store, opts Options) (*wasi.System, execute.Imports, error) {
	sys, err := wasi.New(wasi.Config{
		Args:     opts.Args,
		Env:      opts.Env,
		Stdin:    opts.Stdin,
		Stdout:   opts.Stdout,
		Stderr:   opts.Stderr,
		Preopens: opts.Preopens,
		Sockets:  opts.Sockets,

		MaxOpenFiles:   opts.MaxOpenFiles,
		MaxOutputBytes: opts.MaxOutputBytes,
	})
	if err != nil {
		return nil, nil, err
	}
	store.SetData(sys)
	return sys, lazyWASI{}, nil
}

func exitStatus(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exit *wasi.ExitError
	if errors.As(err, &exit) {
		return int(exit.Code), nil
	}
	return 0, err
}
