package wasi

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The runner hides the *call it hands each host function from escape
// analysis (noescape, call.go), so the call stays on the runner's stack.
// That is sound only while no function that receives a *call lets the
// pointer itself reach the heap or another goroutine, even during the
// call: Go moves a goroutine's stack when it grows (any call may grow it)
// or when the GC shrinks it (a goroutine parked on a channel, as a
// cancellable wait is), and only pointers on that stack are moved with it,
// so a copy kept in a heap closure or a goroutine of the waker kind would
// then point at freed stack. The compiler's escape analysis of each such
// function sees its body and says exactly that ("leaking param: c"); this
// test asks it, so a host function that starts keeping its call fails
// here rather than corrupting memory under load.
func TestCallPointerNeverEscapes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package with -gcflags=-m (seconds); -short skips it")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to ask for escape analysis: %v", err)
	}
	params := callParams(t)
	if len(params) < 40 {
		t.Fatalf("found %d *call parameters; the parser side of this test is broken", len(params))
	}
	cmd := exec.Command(goTool, "build", "-gcflags=-m", ".")
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	// file:line:col: leaking param: NAME, with nothing after: to the heap
	// itself (not its content, not to a result the caller then checks).
	leak := regexp.MustCompile(`^(?:\./)?([^:/]+\.go):(\d+):(\d+): leaking param: (\w+)$`)
	seen := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "param") && strings.Contains(line, ": c") {
			seen++
		}
		m := leak.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if name, ok := params[m[1]+":"+m[2]+":"+m[3]]; ok && name == m[4] {
			t.Errorf("%s: a *call escapes; the runner's noescape is then unsound (see call.go)", line)
		}
	}
	if seen == 0 {
		t.Fatalf("the compiler said nothing about *call parameters; its -m output changed:\n%.2000s", out)
	}
}

// callParams finds every parameter of type *call in the package's
// non-test files, by file:line:col of its name.
func callParams(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var ft *ast.FuncType
			var recv *ast.FieldList
			switch n := n.(type) {
			case *ast.FuncDecl:
				ft, recv = n.Type, n.Recv
			case *ast.FuncLit:
				ft = n.Type
			default:
				return true
			}
			for _, fl := range []*ast.FieldList{recv, ft.Params} {
				if fl == nil {
					continue
				}
				for _, field := range fl.List {
					star, ok := field.Type.(*ast.StarExpr)
					if !ok {
						continue
					}
					if id, ok := star.X.(*ast.Ident); !ok || id.Name != "call" {
						continue
					}
					for _, n := range field.Names {
						p := fset.Position(n.Pos())
						out[fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)] = n.Name
					}
				}
			}
			return true
		})
	}
	return out
}
