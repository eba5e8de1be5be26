package command_test

import (
	"fmt"
	"os"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
)

// Calling an export of a module that imports another, preloaded one, as
// lucet-run --preload lib=lib.wasm --invoke run main.wasm 3 4 does.
func ExampleInvoke() {
	lib, err := compile.LoadFile("testdata/lib.wasm", compile.DefaultOptions(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	main, err := compile.LoadFile("testdata/main.wasm", compile.DefaultOptions(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	store, err := execute.NewStore(execute.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	inst, err := command.Instantiate(store, main, command.Options{
		Preloads:       []command.Preload{{Name: "lib", Module: lib}},
		UnknownImports: command.TrapUnknown, // main also imports env.missing
		Stdout:         os.Stdout,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer inst.Close()
	res, err := command.Invoke(inst.Instance, "run", []string{"3", "4"})
	fmt.Println(res, err)
	// Output: [9] <nil>
}
