package command_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
)

func loadHello() *load.Module {
	mod, err := compile.LoadFile("../../testdata/hello.wasm", compile.DefaultOptions(), nil)
	if err != nil {
		panic(err)
	}
	return mod
}

// Running a WASI command, as lucet-run hello.wasm world does: the exit
// status is the guest's.
func ExampleRun() {
	mod := loadHello()
	defer mod.Close()
	store, err := execute.NewStore(execute.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	status, err := command.Run(store, mod, command.Options{
		Args:   []string{"hello", "world"},
		Stdout: os.Stdout,
	})
	fmt.Println("exit status", status, err)
	// Output:
	// Hello from Lucet, world!
	// exit status 0 <nil>
}

// Limits on what the guest may hold and write, as lucet-run's
// --max-open-files and --max-output: the write that crosses the output
// limit is cut short, and the Instance says so.
func ExampleInstance_Run() {
	mod := loadHello()
	defer mod.Close()
	store, err := execute.NewStore(execute.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	var out strings.Builder
	inst, err := command.Instantiate(store, mod, command.Options{
		Args:           []string{"hello"},
		Stdout:         &out,
		MaxOpenFiles:   16,
		MaxOutputBytes: 5,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inst.Close()
	status, err := inst.Run("")
	fmt.Printf("%q, exit status %d, %v, output limited: %v\n", out.String(), status, err, inst.OutputLimited())
	// Output: "Hello", exit status 0, <nil>, output limited: true
}

// Link gives a store WASI, for an embedder that instantiates by itself:
// the System is the store's Data, which the shared imports reach.
func ExampleLink() {
	mod := loadHello()
	defer mod.Close()
	store, err := execute.NewStore(execute.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	sys, imports, err := command.Link(store, command.Options{Args: []string{"hello"}, Stdout: os.Stdout})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sys.Close()
	inst, err := store.Instantiate(mod, imports)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = inst.Func("_start").Call()
	fmt.Println(err)
	// Output:
	// Hello, world!
	// <nil>
}

// session is an embedder's own per-store value, which carries the WASI
// System among other things.
type session struct {
	user string
	sys  *wasi.System
}

// WASIImports serves stores whose Data is the embedder's own type: made
// once, they find each store's System through it.
func ExampleWASIImports() {
	imports := command.WASIImports(func(data any) *wasi.System {
		if s, ok := data.(*session); ok {
			return s.sys
		}
		return nil
	})
	mod := loadHello()
	defer mod.Close()
	for _, user := range []string{"ann", "bob"} {
		store, err := execute.NewStore(execute.Config{})
		if err != nil {
			fmt.Println(err)
			return
		}
		sys, err := wasi.New(wasi.Config{Args: []string{"hello", user}, Stdout: os.Stdout, Stderr: io.Discard})
		if err != nil {
			fmt.Println(err)
			return
		}
		store.SetData(&session{user: user, sys: sys})
		inst, err := store.Instantiate(mod, imports)
		if err == nil {
			_, err = inst.Func("_start").Call()
		}
		if err != nil {
			fmt.Println(err)
		}
		sys.Close()
		store.Close()
	}
	// Output:
	// Hello from Lucet, ann!
	// Hello from Lucet, bob!
}

// A perf map names each guest function for perf report, at the address
// its code is mapped at in this process.
func ExampleWritePerfMap() {
	mod := loadHello()
	defer mod.Close()
	var m strings.Builder
	if err := command.WritePerfMap(&m, map[string]*load.Module{"hello": mod}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(m.String(), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[2] == "wasm:hello:_start" {
			fmt.Println("START SIZE", f[2])
			break
		}
	}
	// Output: START SIZE wasm:hello:_start
}
