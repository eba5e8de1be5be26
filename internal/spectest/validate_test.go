package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/validate"
)

// checkModule decodes and validates one module file.
func checkModule(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return err
	}
	// Files run in parallel already; one worker per module is enough.
	_, err = validate.Module(m, validate.Options{Parallel: 1})
	return err
}

type tally struct {
	mu                                         sync.Mutex
	files, commands, passed, failed, skipped   int
	mismatches                                 []string
	malformedByValidate, invalidByDecode, bugs int
}

// TestSpecValidate checks every module of the core and simd testsuite
// against decode and validate: modules that must load do, modules that
// must be rejected are, and the rejection says what the testsuite says.
func TestSpecValidate(t *testing.T) {
	root, err := Locate()
	if err != nil {
		t.Fatal(err)
	}
	files, err := Scripts(root, "core", "simd")
	if err != nil {
		t.Fatal(err)
	}
	var tl tally
	t.Cleanup(func() {
		for _, m := range tl.mismatches {
			t.Log(m)
		}
		t.Logf("spectest validate: %d files, %d commands, %d passed, %d failed, %d skipped (text format)",
			tl.files, tl.commands, tl.passed, tl.failed, tl.skipped)
		t.Logf("spectest validate: %d message mismatches (%d assert_malformed rejected only by validate, %d assert_invalid rejected by decode)",
			len(tl.mismatches), tl.malformedByValidate, tl.invalidByDecode)
	})
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		name := filepath.Dir(rel) // core/i32
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScript(t, f, &tl)
		})
	}
}

func runScript(t *testing.T, path string, tl *tally) {
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var commands, passed, failed, skipped, byValidate, byDecode int
	var mism []string
	for i := range s.Commands {
		c := &s.Commands[i]
		if c.Filename == "" {
			continue // actions and register: nothing to load
		}
		commands++
		where := fmt.Sprintf("%s:%d: %s %s", s.SourceFilename, c.Line, c.Type, c.Filename)
		if c.ModuleType == "text" {
			skipped++ // .wat text: no text parser in this project
			continue
		}
		err := checkModule(s.ModulePath(c))
		switch c.Type {
		case CmdAssertInvalid, CmdAssertMalformed:
			if err == nil {
				failed++
				t.Errorf("%s: accepted, want rejection %q", where, c.Text)
				continue
			}
			var de *decode.Error
			isDecode := errors.As(err, &de)
			if c.Type == CmdAssertMalformed && !isDecode {
				byValidate++
			}
			if c.Type == CmdAssertInvalid && isDecode {
				byDecode++
			}
			passed++
			if !strings.Contains(err.Error(), c.Text) {
				mism = append(mism, fmt.Sprintf("%s: want %q, got %q", where, c.Text, err))
			}
		default: // module, assert_unlinkable, assert_uninstantiable
			if err != nil {
				failed++
				t.Errorf("%s: %v", where, err)
				continue
			}
			passed++
		}
	}
	if commands == 0 {
		t.Errorf("%s: no module commands", path)
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.files++
	tl.commands += commands
	tl.passed += passed
	tl.failed += failed
	tl.skipped += skipped
	tl.malformedByValidate += byValidate
	tl.invalidByDecode += byDecode
	tl.mismatches = append(tl.mismatches, mism...)
}
