package main

import (
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
)

// run registers with urfave/cli only the flags a command line names
// (cliflag.Used), so every other flag must read as its zero value when
// absent, exactly as an unregistered flag reads.
func TestUnsetFlagsReadZero(t *testing.T) {
	flags := runFlags()
	app := &cli.App{
		Name:  "lucet-run",
		Flags: flags,
		Action: func(c *cli.Context) error {
			for _, f := range flags {
				for _, n := range f.Names() {
					if v := c.Value(n); v != nil && !reflect.ValueOf(v).IsZero() {
						t.Errorf("--%s is %#v when absent; run relies on it being zero (cliflag.Used)", n, v)
					}
				}
			}
			return nil
		},
	}
	if err := app.Run([]string{"lucet-run"}); err != nil {
		t.Fatal(err)
	}
}

func TestNamesMatchCli(t *testing.T) {
	for _, f := range runFlags() {
		if got, want := cliflag.Names(f), f.Names(); !slices.Equal(got, want) {
			t.Errorf("cliflag.Names = %q, cli says %q", got, want)
		}
	}
}

// A command line without options makes no flags at all: splitArgs looks
// flags up only for an argument that is one.
func TestNoFlagsMade(t *testing.T) {
	for _, args := range [][]string{{"lucet-run", "x.so"}, {"lucet-run", "x.so", "-v", "--dir", "a"}, {"lucet-run", "--", "-x.so"}, {"lucet-run", "-"}} {
		c, err := splitArgs(args, func() []cli.Flag { t.Fatalf("%q: flags made", args); return nil })
		if err != nil || len(c.flags) != 1 || c.module == "" {
			t.Errorf("splitArgs(%q) = %+v, %v", args, c, err)
		}
	}
}

// A command line without options skips urfave/cli (run calls runModule
// with defaultOptions), so the defaults must be exactly what parseOptions
// makes when cli has parsed no flag.
func TestDefaultOptionsAreParsed(t *testing.T) {
	for _, args := range [][]string{{"lucet-run", "x.so"}, {"lucet-run", "dir/x.wasm", "-v", "--dir", "a"}, {"lucet-run", "--", "-x.so"}} {
		cl, err := splitArgs(args, runFlags)
		if err != nil {
			t.Fatal(err)
		}
		var parsed *runOptions
		var parsedCfg any
		app := &cli.App{Name: "lucet-run", Flags: runFlags(), Action: func(c *cli.Context) error {
			cfg, ro, err := parseOptions(c, cl)
			parsed, parsedCfg = ro, cfg
			return err
		}}
		if err := app.Run(cl.flags); err != nil {
			t.Fatal(err)
		}
		cfg, ro := defaultOptions(cl)
		if !reflect.DeepEqual(cfg, parsedCfg) {
			t.Errorf("%q: defaultOptions config %+v, parseOptions %+v", args, cfg, parsedCfg)
		}
		if !reflect.DeepEqual(&ro, parsed) {
			t.Errorf("%q: defaultOptions %+v, parseOptions %+v", args, ro, parsed)
		}
	}
}

// The cache is set up only for a module that needs compiling: a broken
// cache setting warns when a .wasm runs, and a .so run never looks at it.
func TestCacheOnlyForWasm(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	t.Setenv("LUCET_CACHE_MAX", "lots")
	const warning = "LUCET_CACHE_MAX=lots"
	for _, c := range []struct {
		name string
		args []string
		warn bool
	}{
		{"object", []string{"--invoke", "add", invokeSO(t), "1", "2"}, false},
		{"wasm", []string{"--invoke", "add", "testdata/invoke.wasm", "1", "2"}, true},
	} {
		code, out, errs := lucetRun(t, c.args...)
		if code != 0 || out != "3\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", c.name, code, out, errs)
		}
		if got := strings.Count(errs, warning); got != map[bool]int{false: 0, true: 1}[c.warn] {
			t.Errorf("%s: the cache warning appears %d times in %q", c.name, got, errs)
		}
	}
}

// lucet-run verifies signatures with internal/edverify, reads keys with
// internal/keyfile and hashes with internal/sha256: no package of Go's
// crypto tree may be linked again, through any package. crypto/ed25519
// brought edwards25519's package initialisation (~85 K instructions of
// every start) and crypto/sha256 the FIPS module's chain (crypto/cipher,
// AES-GCM, the DRBG, SHA-512, ...: 0.03 ms and 5 page faults a start).
func TestNoCryptoLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, p := range []string{"github.com/lucet-go/lucet/internal/edverify", "github.com/lucet-go/lucet/internal/sha256"} {
		if !slices.Contains(deps, p) {
			t.Fatalf("%s not among lucet-run's %d dependencies", p, len(deps))
		}
	}
	for _, p := range deps {
		if p == "crypto" || strings.HasPrefix(p, "crypto/") || p == "github.com/lucet-go/lucet/pkg/sign" {
			t.Errorf("lucet-run links %s", p)
		}
	}
}
