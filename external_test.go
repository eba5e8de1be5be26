package lucet_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// externalMain is a program in a module of its own that imports the
// front door the way any other Go program would.
const externalMain = `package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/lucet-go/lucet"
)

func main() {
	ctx := context.Background()
	rt := lucet.NewRuntime(lucet.RuntimeConfig{NoCache: true})
	env := rt.NewHostModule("env")
	if err := env.Func("square", func(x int32) int32 { return x * x }); err != nil {
		log.Fatal(err)
	}
	if err := env.Func("log", func(c *lucet.Caller, p, n uint32) {
		s, _ := c.Memory().ReadString(p, n)
		fmt.Println("log:", s)
	}); err != nil {
		log.Fatal(err)
	}
	pool, err := rt.NewPool(lucet.PoolConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	for _, path := range os.Args[1:] {
		mod, err := rt.LoadModule(path)
		if err != nil {
			log.Fatal(err)
		}
		inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{WASI: &lucet.WASIConfig{Stdout: os.Stdout}})
		if err != nil {
			log.Fatal(err)
		}
		if f := inst.Func("sum_squares"); f != nil {
			inst.Func("hello").Call(ctx)
			n, err := lucet.Call1[int32](ctx, f, int32(5))
			fmt.Println("sum_squares:", n, err)
		} else {
			status, err := inst.Run(ctx)
			fmt.Println("status:", status, err)
		}
		inst.Close()
		mod.Close()
	}
}
`

// TestExternalModule builds, vets and runs a separate Go module that
// requires github.com/lucet-go/lucet through a replace directive to this
// checkout: the module path is importable and the front door is enough.
// It works offline: the requirements and go.sum are this module's, so
// every dependency comes from the module cache the build already needs.
func TestExternalModule(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH: cannot build an external module")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := "module example.com/embedder\n\n" +
		regexp.MustCompile(`(?m)^go .*$`).FindString(string(gomod)) + "\n\n" +
		"require github.com/lucet-go/lucet v0.0.0\n\n" +
		"replace github.com/lucet-go/lucet => " + root + "\n\n" +
		requireBlocks(string(gomod))
	for name, body := range map[string]string{"go.mod": mod, "go.sum": string(gosum), "main.go": externalMain} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s\ngo.mod:\n%s", name, strings.Join(args, " "), err, out, mod)
		}
		return string(out)
	}
	run(gobin, "build", "-o", "embedder", ".")
	run(gobin, "vet", ".")
	out := run(filepath.Join(dir, "embedder"), filepath.Join(root, "testdata/api/host.wasm"), filepath.Join(root, "testdata/hello.wasm"))
	want := "log: hello from the guest\nsum_squares: 30 <nil>\nHello, world!\nstatus: 0 <nil>\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

// requireBlocks returns the require directives of a go.mod, so the
// external module pins the same versions (nothing to look up).
func requireBlocks(gomod string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(gomod, "\n") {
		switch {
		case strings.HasPrefix(line, "require ("):
			in = true
		case in && strings.TrimSpace(line) == ")":
			in = false
			b.WriteString(")\n")
			continue
		case !in && strings.HasPrefix(line, "require "):
			b.WriteString(line + "\n")
			continue
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
