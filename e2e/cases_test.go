package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wasiCase is one line of testdata/wasi/cases.txt; see the comment at the
// top of that file for the meaning of each field.
type wasiCase struct {
	Name     string
	Prog     string // path of the .wasm, relative to testdata/wasi
	Args     []string
	Env      []string // K=V
	Dirs     []string // guest paths of the granted directories
	Seeds    []seed
	Stdin    []byte
	IdleIn   bool // stdin-pipe=idle: stdin is a pipe that stays open and empty
	Exit     int
	Stderr   string
	Stdout   string // expected stdout file, relative to testdata/wasi
	NoNode   string
	NoNative string
	Flags    []string      // extra lucet-run options (lucet only)
	Compile  []string      // extra lucetc options (lucet only)
	Limit    time.Duration // the harness kills the run after this long
	Line     int
}

// stdoutIsStdin, as the expected-stdout name, means stdout must equal stdin.
const stdoutIsStdin = "STDIN"

type seed struct {
	Kind   string // file, mkdir, symlink
	Path   string
	Target string // file content or symlink target
}

// wasiDir is testdata/wasi in the checkout.
func wasiDir() string { return filepath.Join(repoRoot, "testdata", "wasi") }

// loadCases parses cases.txt.
func loadCases(path string) ([]*wasiCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []*wasiCase
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseCase(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, ln, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("%s:%d: case %s defined twice", path, ln, c.Name)
		}
		seen[c.Name] = true
		c.Line = ln
		cases = append(cases, c)
	}
	return cases, sc.Err()
}

// parseCase parses `NAME PROGRAM KEY=VALUE...`.
func parseCase(line string) (*wasiCase, error) {
	toks, err := tokenize(line)
	if err != nil {
		return nil, err
	}
	if len(toks) < 2 {
		return nil, fmt.Errorf("want NAME PROGRAM [KEY=VALUE]..., got %q", line)
	}
	c := &wasiCase{Name: toks[0], Prog: toks[1], Stdout: filepath.Join("expected", toks[0]+".stdout"), Limit: runLimit}
	if !strings.HasSuffix(c.Prog, ".wasm") {
		c.Prog = filepath.Join("wasm", c.Prog+".wasm")
	}
	for _, tok := range toks[2:] {
		key, val, ok := strings.Cut(tok, "=")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not KEY=VALUE", c.Name, tok)
		}
		switch key {
		case "arg":
			c.Args = append(c.Args, val)
		case "env":
			if k, _, ok := strings.Cut(val, "="); !ok || k == "" {
				return nil, fmt.Errorf("%s: env=%q is not K=V", c.Name, val)
			}
			c.Env = append(c.Env, val)
		case "dir":
			if !strings.HasPrefix(val, "/") {
				return nil, fmt.Errorf("%s: dir=%q: the guest path must be absolute", c.Name, val)
			}
			c.Dirs = append(c.Dirs, val)
		case "file", "symlink":
			p, t, ok := strings.Cut(val, ":")
			if !ok || p == "" {
				return nil, fmt.Errorf("%s: %s=%q is not PATH:TEXT", c.Name, key, val)
			}
			c.Seeds = append(c.Seeds, seed{key, p, t})
		case "mkdir":
			c.Seeds = append(c.Seeds, seed{key, val, ""})
		case "stdin":
			c.Stdin = []byte(val)
		case "stdin-pipe":
			if val != "idle" {
				return nil, fmt.Errorf("%s: stdin-pipe=%q: the only kind is idle", c.Name, val)
			}
			c.IdleIn = true
		case "stdin-gen":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%s: stdin-gen=%q: want a byte count", c.Name, val)
			}
			c.Stdin = genBytes(n)
		case "exit":
			n, err := strconv.Atoi(val)
			if err != nil {
				return nil, fmt.Errorf("%s: exit=%q: %w", c.Name, val, err)
			}
			c.Exit = n
		case "stderr":
			c.Stderr = val
		case "stdout":
			c.Stdout = filepath.Join("expected", val+".stdout")
			if val == stdoutIsStdin {
				c.Stdout = stdoutIsStdin
			}
		case "flag":
			if !strings.HasPrefix(val, "-") {
				return nil, fmt.Errorf("%s: flag=%q is not an option", c.Name, val)
			}
			c.Flags = append(c.Flags, val)
		case "lucetc":
			if !strings.HasPrefix(val, "-") {
				return nil, fmt.Errorf("%s: lucetc=%q is not an option", c.Name, val)
			}
			c.Compile = append(c.Compile, val)
		case "limit":
			d, err := time.ParseDuration(val)
			if err != nil {
				return nil, fmt.Errorf("%s: limit=%q: %w", c.Name, val, err)
			}
			c.Limit = d
		case "no-node":
			c.NoNode = val
		case "no-native":
			c.NoNative = val
		default:
			return nil, fmt.Errorf("%s: unknown key %q", c.Name, key)
		}
	}
	if c.IdleIn && len(c.Stdin) > 0 {
		return nil, fmt.Errorf("%s: stdin-pipe=idle gets no data; drop stdin=", c.Name)
	}
	for i, sd := range c.Seeds {
		if len(c.Dirs) == 0 {
			return nil, fmt.Errorf("%s: seeds need a dir=", c.Name)
		}
		if slices.Contains(strings.Split(sd.Path, "/"), "..") {
			return nil, fmt.Errorf("%s: seed %s: no .. in seed paths", c.Name, sd.Path)
		}
		if strings.HasPrefix(sd.Path, "/") {
			if c.seedDir(sd.Path) < 0 {
				return nil, fmt.Errorf("%s: seed %s is in no granted directory", c.Name, sd.Path)
			}
		} else {
			c.Seeds[i].Path = c.Dirs[0] + "/" + sd.Path
		}
	}
	return c, nil
}

// seedDir returns the index of the granted directory holding guest path
// p, or -1.
func (c *wasiCase) seedDir(p string) int {
	for i, d := range c.Dirs {
		if strings.HasPrefix(p, d+"/") {
			return i
		}
	}
	return -1
}

// tokenize splits on spaces; a token may contain Go-quoted strings, which
// are unquoted in place (key="a b" -> key=a b).
func tokenize(line string) ([]string, error) {
	var toks []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return toks, nil
		}
		var tok strings.Builder
		for line != "" && line[0] != ' ' && line[0] != '\t' {
			if line[0] == '"' {
				q, err := strconv.QuotedPrefix(line)
				if err != nil {
					return nil, fmt.Errorf("bad quoted string at %q", line)
				}
				s, _ := strconv.Unquote(q)
				tok.WriteString(s)
				line = line[len(q):]
				continue
			}
			tok.WriteByte(line[0])
			line = line[1:]
		}
		toks = append(toks, tok.String())
	}
}

// genBytes returns n deterministic, varied bytes (a xorshift stream), for
// inputs too big to write in cases.txt.
func genBytes(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func TestParseCase(t *testing.T) {
	tests := []struct {
		line string
		want string // fmt of the interesting fields, or "error"
	}{
		{`hello ../hello.wasm`, `../hello.wasm [] [] [] 0`},
		{`a args arg=one arg="two words" arg=""`, `wasm/args.wasm [one two words ] [] [] 0`},
		{`e env env="SP=a b=c" env=E= exit=3`, `wasm/env.wasm [] [SP=a b=c E=] [] 3`},
		{`f files dir=/sandbox file="x.txt:a\nb"`, `wasm/files.wasm [] [] ["/sandbox"] 0`},
		{`c copy dir=/in dir=/out file=/out/x:y file=/elsewhere/z:w`, `error`},
		{`c copy dir=/in file=../escape:x`, `error`},
		{`c copy dir=/in file=/in/a/../../b:x`, `error`},
		{`f files file=x:y`, `error`},
		{`f files dir=rel`, `error`},
		{`f files bogus=1`, `error`},
		{`f files arg="unterminated`, `error`},
		{`f files env=NOEQUALS`, `error`},
		{`f`, `error`},
		{`f spin flag=--timeout=1s limit=bogus`, `error`},
		{`f spin flag=timeout`, `error`},
		{`f cat stdin-pipe=idle stdin=x`, `error`},
		{`f cat stdin-pipe=full`, `error`},
	}
	for _, tt := range tests {
		c, err := parseCase(tt.line)
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%s %v %v %q %d", c.Prog, c.Args, c.Env, c.Dirs, c.Exit)
		}
		if got != tt.want {
			t.Errorf("parseCase(%s) = %s (err %v), want %s", tt.line, got, err, tt.want)
		}
	}
	c, err := parseCase(`f files dir=/s dir=/t file="x.txt:a\nb" symlink=up:.. mkdir=d file=/t/y:z`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []seed{{"file", "/s/x.txt", "a\nb"}, {"symlink", "/s/up", ".."}, {"mkdir", "/s/d", ""}, {"file", "/t/y", "z"}}; fmt.Sprint(c.Seeds) != fmt.Sprint(want) {
		t.Errorf("seeds = %v, want %v", c.Seeds, want)
	}
}

// TestCasesFile checks the table itself: it parses, every program and
// expected output exists, and every known failure names a real case.
func TestCasesFile(t *testing.T) {
	cases, err := loadCases(filepath.Join(wasiDir(), "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Errorf("only %d cases in cases.txt", len(cases))
	}
	names := map[string]bool{}
	for _, c := range cases {
		names[c.Name] = true
		if _, err := os.Stat(filepath.Join(wasiDir(), c.Prog)); err != nil {
			t.Errorf("case %s (line %d): %v", c.Name, c.Line, err)
		}
		if c.Stdout == stdoutIsStdin {
			continue
		}
		if _, err := os.Stat(filepath.Join(wasiDir(), c.Stdout)); err != nil {
			t.Errorf("case %s (line %d): expected stdout: %v", c.Name, c.Line, err)
		}
	}
	for _, tool := range badTools {
		names[badInputName(tool.name)] = true
	}
	for _, n := range pipelineNames {
		if names[n] {
			t.Errorf("pipeline case %s has the name of a WASI case", n)
		}
		names[n] = true
	}
	for n := range known {
		if !names[n] {
			t.Errorf("known-failures.txt lists %q, which is no case", n)
		}
	}
}

// FuzzParseCase: no line makes the parser panic, and what parses is
// self-consistent (seeds sit in a granted directory).
func FuzzParseCase(f *testing.F) {
	for _, s := range []string{
		`hello ../hello.wasm`,
		`args args arg=one arg="two words" arg="" arg="ü"`,
		`f files dir=/sandbox arg=/sandbox file="seed.txt:seeded content\n"`,
		`c copy dir=/in dir=/out file=/in/a:b symlink=/out/l:.. mkdir=d`,
		`t spin flag=--timeout=300ms exit=124 stderr=timeout limit=5s no-node="x y"`,
		`x cat stdin-gen=10 stdout=STDIN`,
		`q "unterminated`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := parseCase(line)
		if err != nil {
			return
		}
		for _, s := range c.Seeds {
			if c.seedDir(s.Path) < 0 || slices.Contains(strings.Split(s.Path, "/"), "..") {
				t.Errorf("%q: seed %s outside every granted directory %v", line, s.Path, c.Dirs)
			}
		}
	})
}
