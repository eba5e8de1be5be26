// Command lucet-bench measures instantiation speed and memory per instance
// of a compiled module.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "lucet-bench: not implemented yet")
	os.Exit(2)
}
