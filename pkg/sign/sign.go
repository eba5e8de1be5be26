// Package sign signs compiled modules and reads and writes the key files
// that lucetc and lucet-run use for it.
//
// In: an object file written by pkg/link and an ed25519 private key. Out:
// the same file with the signer's public key and an ed25519 signature over
// the module's SHA-256 checksum in its header (see link.SignedMessage),
// which pkg/load verifies when asked to (load.RequireSignature).
//
// Key files are text, one key a line:
//
//	secret key:  lucet-ed25519-secret <base64 of the 32-byte seed>
//	public key:  lucet-ed25519 <base64 of the 32-byte public key> [comment]
//
// A trusted-keys file holds any number of public-key lines; blank lines and
// lines starting with # are ignored. Keygen writes a secret key file (mode
// 0600) and a public key file beside it named with a .pub suffix.
// internal/keyfile reads them (lucet-run reads public keys there without
// linking crypto/ed25519); pkg/load verifies with internal/edverify.
package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lucet-go/lucet/internal/keyfile"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
)

// Key file line prefixes.
const (
	secretTag = keyfile.SecretTag
	publicTag = keyfile.PublicTag
)

// Object signs the module file b in place with priv. It refuses a file
// that does not pass every check of load.Inspect (its full SHA-256
// included), so only an intact module is ever signed.
func Object(b []byte, priv ed25519.PrivateKey) error {
	if len(priv) != ed25519.PrivateKeySize {
		return errors.New("sign: bad private key")
	}
	img, err := load.Inspect(b)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	h := img.Header
	cur := h.Encode()
	off := bytes.Index(b, cur)
	if off < 0 || bytes.Index(b[off+1:], cur) >= 0 {
		return errors.New("sign: cannot locate the module header")
	}
	copy(h.Signer[:], priv.Public().(ed25519.PublicKey))
	copy(h.Signature[:], ed25519.Sign(priv, link.SignedMessage(h.Checksum)))
	copy(b[off:], h.Encode())
	return nil
}

// Keygen makes a new key pair and writes the secret key to path (mode
// 0600, refusing to overwrite) and the public key to path+".pub".
func Keygen(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keygen: %w", err)
	}
	if err := writeNew(path, []byte(FormatSecret(priv)), 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(path+".pub", []byte(FormatPublic(pub, filepath.Base(path))), 0o644); err != nil {
		os.Remove(path)
		return nil, err
	}
	return pub, nil
}

// FormatSecret is the secret key file's content for priv.
func FormatSecret(priv ed25519.PrivateKey) string {
	return secretTag + " " + base64.StdEncoding.EncodeToString(priv.Seed()) + "\n"
}

// FormatPublic is a public key line for pub.
func FormatPublic(pub ed25519.PublicKey, comment string) string {
	s := publicTag + " " + base64.StdEncoding.EncodeToString(pub)
	if comment != "" {
		s += " " + comment
	}
	return s + "\n"
}

// writeNew writes a file that must not exist yet, whole or not at all.
func writeNew(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keygen-*")
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("keygen: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("keygen: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	// A hard link fails if path exists, so an existing key is never
	// replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("keygen: %s already exists", path)
		}
		return fmt.Errorf("keygen: %w", err)
	}
	return nil
}

// MaxKeyFile bounds what ReadPrivateKey and ReadPublicKeys read: about
// 15,000 public-key lines. A key file named as /dev/zero, /dev/urandom or
// a FIFO that never ends was read until memory ran out.
const MaxKeyFile = keyfile.MaxSize

// ReadPrivateKey reads a secret key file.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := keyfile.Read(path)
	if err != nil {
		return nil, fmt.Errorf("key %w", err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] != secretTag {
		return nil, fmt.Errorf("key %s: not a lucet secret key file (want %q and a key)", path, secretTag)
	}
	seed, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key %s: malformed secret key", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ReadPublicKeys reads a trusted-keys file: every public-key line in it.
func ReadPublicKeys(path string) ([]ed25519.PublicKey, error) {
	keys, err := keyfile.ReadPublic(path)
	return publicKeys(keys), err
}

// ParsePublicKeys parses the content of a trusted-keys file.
func ParsePublicKeys(b []byte) ([]ed25519.PublicKey, error) {
	keys, err := keyfile.ParsePublic(b)
	return publicKeys(keys), err
}

func publicKeys(keys [][]byte) []ed25519.PublicKey {
	var out []ed25519.PublicKey
	for _, k := range keys {
		out = append(out, k)
	}
	return out
}
