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
	"syscall"
)

// Key file line prefixes.
const (
	SecretTag = "lucet-ed25519-secret"
	PublicTag = "lucet-ed25519"
)

// PublicKeySize is an ed25519 public key's length.
const PublicKeySize = 32

// MaxSize bounds what Read reads: about 15,000 public-key lines. A key
// file named as a huge regular file is refused without being read past it.
const MaxSize = 1 << 20

// Read reads path, which must be a regular file no longer than MaxSize.
//
// It is opened with O_NONBLOCK and refused unless fstat says it is a
// regular file: open(2) of a FIFO with no writer blocked for ever
// (`lucet-run --trusted-keys FIFO`, before --timeout starts), and a
// device such as /dev/zero or /dev/urandom was read until the size cap.
// No key file is any of these; O_NONBLOCK changes nothing for a regular
// file's reads.
func Read(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: notRegular(st.Mode())}
	}
	if st.Size() > MaxSize {
		return nil, tooLong(path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: unwrapPathErr(err)}
	}
	// A file that grew since fstat (or a /proc file, which reports size 0).
	if len(b) > MaxSize {
		return nil, tooLong(path)
	}
	return b, nil
}

func tooLong(path string) error {
	return fmt.Errorf("%s: longer than %d bytes, not a key file", path, MaxSize)
}

// notRegular names what a non-regular key file is.
func notRegular(m os.FileMode) error {
	var what string
	switch {
	case m.IsDir():
		return syscall.EISDIR
	case m&os.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&os.ModeSocket != 0:
		what = "a socket"
	case m&os.ModeCharDevice != 0:
		what = "a character device"
	case m&os.ModeDevice != 0:
		what = "a block device"
	default:
		what = "not a regular file"
	}
	return errors.New(what + ", not a key file")
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
