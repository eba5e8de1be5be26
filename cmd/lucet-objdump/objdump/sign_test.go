package objdump

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/sign"
)

// A signed object shows its signer's key line and whether the signature
// verifies; a signature changed after signing shows as not verifying.
func TestSignatureShown(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := link.ELF(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	if err := sign.Object(signed, priv); err != nil {
		t.Fatal(err)
	}
	img, err := load.Inspect(signed)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(signed, img.Header.Signature[:])
	if at < 0 {
		t.Fatal("signature not found in the object")
	}
	forged := bytes.Clone(signed)
	forged[at] ^= 1
	key := strings.TrimSpace(sign.FormatPublic(pub, ""))

	for _, tt := range []struct {
		name string
		obj  []byte
		ok   bool
		text string
	}{
		{"signed", signed, true, "  signature:       verifies, by key " + key + "\n"},
		{"forged", forged, false, "  signature:       DOES NOT VERIFY (key " + key + ")\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Run([]string{"lucet-objdump", "-"}, bytes.NewReader(tt.obj), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.text) || !strings.Contains(stdout.String(), "  compiler:        ") {
				t.Errorf("text lacks %q and a compiler line:\n%s", tt.text, firstLines(stdout.String(), 10))
			}
			stdout.Reset()
			if code := Run([]string{"lucet-objdump", "--json", "-"}, bytes.NewReader(tt.obj), &stdout, &stderr); code != 0 {
				t.Fatalf("--json: exit %d: %s", code, stderr.String())
			}
			var r struct {
				Compiler *string `json:"compiler"`
				Signed   bool    `json:"signed"`
				Signer   string  `json:"signer"`
				OK       *bool   `json:"signature_verifies"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Compiler == nil || !r.Signed || r.Signer != key || r.OK == nil || *r.OK != tt.ok {
				t.Errorf("--json: compiler %v, signed %v, signer %q, signature_verifies %v; want a compiler, true, %q, %v",
					r.Compiler, r.Signed, r.Signer, r.OK, key, tt.ok)
			}
		})
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
