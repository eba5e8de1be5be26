// Package keyfile reads lucet's key files (the format pkg/sign documents)
// without linking crypto/ed25519, so that lucet-run, which reads trusted
// public keys and verifies with internal/edverify, does not pay that
// package's initialisation on every start. pkg/sign builds its key API on
// this.
//
// In: a path or a file's content. Out: the 32-byte public keys it lists,
// or the secret key line's seed.
package keyfile

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Key file line prefixes.
const (
	SecretTag = "lucet-ed25519-secret"
	PublicTag = "lucet-ed25519"
)

// PublicKeySize is an ed25519 public key's length.
const PublicKeySize = 32

// MaxSize bounds what Read reads: about 15,000 public-key lines. A key
// file named as /dev/zero, /dev/urandom or a FIFO that never ends was
// read until memory ran out.
const MaxSize = 1 << 20

// Read reads path, refusing one longer than MaxSize without reading past
// it.
func Read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: unwrapPathErr(err)}
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%s: longer than %d bytes, not a key file", path, MaxSize)
	}
	return b, nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadPublic reads a trusted-keys file: every public-key line in it.
func ReadPublic(path string) ([][]byte, error) {
	b, err := Read(path)
	if err != nil {
		return nil, fmt.Errorf("trusted keys: %w", err)
	}
	keys, err := ParsePublic(b)
	if err != nil {
		return nil, fmt.Errorf("trusted keys %s: %w", path, err)
	}
	return keys, nil
}

// ParsePublic parses the content of a trusted-keys file.
func ParsePublic(b []byte) ([][]byte, error) {
	var keys [][]byte
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if f[0] == SecretTag {
			return nil, fmt.Errorf("line %d is a secret key, not a public one", i+1)
		}
		if f[0] != PublicTag || len(f) < 2 {
			return nil, fmt.Errorf("line %d: want %q and a key", i+1, PublicTag)
		}
		k, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil || len(k) != PublicKeySize {
			return nil, fmt.Errorf("line %d: malformed public key", i+1)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no public keys")
	}
	return keys, nil
}
