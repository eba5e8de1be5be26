package compile_test

import (
	"fmt"
	"os"

	"github.com/lucet-go/lucet/pkg/compile"
)

// Loading a .wasm through a cache: the first load compiles and stores the
// object, the next maps it.
func ExampleLoadFile() {
	dir, err := os.MkdirTemp("", "lucet-cache")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	c := &compile.Cache{Dir: dir, Warn: func(msg string) { fmt.Println("warning:", msg) }}
	for range 2 {
		m, err := compile.LoadFile("../../testdata/hello.wasm", compile.DefaultOptions(), c)
		if err != nil {
			fmt.Println(err)
			return
		}
		m.Close()
	}
	s, err := c.Stats()
	fmt.Println(s.Entries, err)
	// Output: 1 <nil>
}
