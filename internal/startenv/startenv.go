// Package startenv reads environment variables without os's map of the
// environment, for a command that promises not to change its own.
//
// Why: the first os.Getenv (or LookupEnv, Environ) of a process copies the
// environment into a map, one entry per variable: ~33,000 instructions
// and the map's allocations for a shell's ~40 variables (callgrind of
// lucet-run hello.so, 2026-12-06), the largest single cost of lucet-run's
// main after loading the object, for the three variables it reads on
// the way to the guest (GOGC, GODEBUG twice). A scan of the variables the
// runtime got at exec finds one in a few hundred.
//
// The scan sees the environment as the process started, so it is only
// right while nothing has called os.Setenv, Unsetenv or Clearenv: Getenv
// uses it after Trust, which a command's main calls first, and os.Getenv
// otherwise (tests, and programs embedding lucet, which may change their
// environment).
package startenv

import (
	"os"
	_ "unsafe" // go:linkname runtimeEnvs
)

// runtimeEnvs returns a copy of the environment the runtime read at exec
// (what package syscall starts from).
//
//go:linkname runtimeEnvs syscall.runtime_envs
func runtimeEnvs() []string

// envs is the start environment after Trust; nil before.
var envs []string

// trusted says Trust was called.
var trusted bool

// Trust declares that the process has not changed its environment and
// will not: Getenv reads the start environment from then on. Call it at
// the top of main, before any goroutine of the program's.
func Trust() {
	envs = runtimeEnvs()
	trusted = true
}

// Getenv is os.Getenv: the value of the first variable named name, or ""
// (as os, which drops later duplicates).
func Getenv(name string) string {
	if !trusted {
		return os.Getenv(name)
	}
	for _, kv := range envs {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return kv[len(name)+1:]
		}
	}
	return ""
}
