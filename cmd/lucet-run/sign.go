package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/keyfile"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/load"
)

var trustedKeysFlag = &cli.StringFlag{Name: "trusted-keys", Usage: "run only objects signed by a key in `FILE` (lines \"lucet-ed25519 KEY\", as lucetc --keygen writes to FILE.pub); a .wasm is refused"}

// trustedKeys reads --trusted-keys, nil when not given.
func trustedKeys(c *cli.Context) ([][]byte, error) {
	path := c.String("trusted-keys")
	if path == "" {
		return nil, nil
	}
	keys, err := keyfile.ReadPublic(path)
	if err != nil {
		// A keys file that cannot be read or holds no key is an input
		// refused (exit 1, as --dir's and --preload's are), not a usage
		// error; ReadPublic's own "trusted keys" prefix gives way to
		// the flag and the file.
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return nil, inputError{fmt.Errorf("--trusted-keys %w", cliflag.NameFile(path, err))}
	}
	return keys, nil
}

// inputError is an option's input file refused: exit status 1.
type inputError struct{ error }

// loadSigned loads an object that must carry a signature by one of keys;
// anything else, a .wasm included, is refused.
func loadSigned(path string, keys [][]byte) (*load.Module, error) {
	m, err := load.File(path, load.RequireSignature(keys...))
	if err != nil && errors.Is(err, load.ErrNotELF) {
		if f, ferr := os.Open(path); ferr == nil {
			var magic [4]byte
			io.ReadFull(f, magic[:])
			f.Close()
			if compile.IsWasm(magic[:]) {
				return nil, fmt.Errorf("%s: a .wasm module; with --trusted-keys only signed objects run (compile and sign with lucetc --sign-key)", path)
			}
		}
	}
	return m, err
}
