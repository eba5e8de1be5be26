package sign

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object/objtest"
)

// Keygen writes a secret key only its owner can read and a public key
// that reads back as the same key; it never replaces an existing key.
func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	pub, err := Keygen(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret key mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	priv, err := ReadPrivateKey(path)
	if err != nil || !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Fatalf("secret key reads back as another key (%v)", err)
	}
	keys, err := ReadPublicKeys(path + ".pub")
	if err != nil || len(keys) != 1 || !bytes.Equal(keys[0], pub) {
		t.Fatalf("public key reads back as %v (%v)", keys, err)
	}
	before, _ := os.ReadFile(path)
	if _, err := Keygen(path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second keygen to the same path: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("existing key replaced")
	}
}

func TestParsePublicKeys(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	pub2, _, _ := ed25519.GenerateKey(nil)
	good := "# trusted\n\n" + FormatPublic(pub, "alice") + FormatPublic(pub2, "")
	keys, err := ParsePublicKeys([]byte(good))
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], pub) || !bytes.Equal(keys[1], pub2) {
		t.Fatalf("ParsePublicKeys: %v, %v", keys, err)
	}
	for _, tt := range []struct{ in, want string }{
		{"", "no public keys"},
		{"# only a comment\n", "no public keys"},
		{FormatSecret(priv), "secret key"},
		{"ssh-ed25519 AAAA\n", "want \"lucet-ed25519\""},
		{"lucet-ed25519 !!!\n", "malformed"},
		{"lucet-ed25519 AAAA\n", "malformed"}, // too short
	} {
		if _, err := ParsePublicKeys([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePublicKeys(%q): %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

// Object signs in place; the result loads under RequireSignature and
// differs from the original only in the signature fields.
func TestObject(t *testing.T) {
	b, err := link.ELF(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	signed := append([]byte(nil), b...)
	if err := Object(signed, priv); err != nil {
		t.Fatal(err)
	}
	m, err := load.Bytes(signed, load.RequireSignature(pub))
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if diff := countDiff(b, signed); diff == 0 || diff > 96 {
		t.Errorf("signing changed %d bytes, want only the 96 of signer and signature", diff)
	}
	img, err := load.Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), b...)
	corrupt[img.Header.MetaOff+5] ^= 1
	if err := Object(corrupt, priv); err == nil {
		t.Error("signed a corrupt object")
	}
}

func countDiff(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// A key file that is merely huge is refused after MaxKeyFile bytes, and
// one that never ends (/dev/zero) is refused before any read as not a
// regular file: it was read until memory ran out, and
// `lucet-run --trusted-keys /dev/zero` never returned.
func TestKeyFileBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# comment\n"), MaxKeyFile/10+1), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{big}
	want := map[string]string{big: "longer than", "/dev/zero": "a character device"}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		done := make(chan error, 2)
		go func() { _, err := ReadPublicKeys(p); done <- err }()
		go func() { _, err := ReadPrivateKey(p); done <- err }()
		for i := 0; i < 2; i++ {
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), want[p]) {
					t.Errorf("%s: %v, want an error saying %q", p, err, want[p])
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("%s: still reading after 20 s", p)
			}
		}
	}
}
