package main

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/pkg/sign"
)

// The signing flags (see pkg/sign for the key file format).
var signFlags = []cli.Flag{
	&cli.StringFlag{Name: "sign-key", Usage: "sign the object with the ed25519 secret key in `FILE` (lucet-run --trusted-keys checks it)"},
	&cli.StringFlag{Name: "keygen", Usage: "write a new ed25519 key pair to `FILE` (secret, mode 0600) and FILE.pub (public), then exit"},
}

// keygen runs --keygen; it reports whether it did.
func keygen(c *cli.Context, stdout io.Writer) (bool, error) {
	path := c.String("keygen")
	if path == "" {
		return false, nil
	}
	if c.NArg() > 0 {
		return true, usageError{fmt.Errorf("--keygen takes no module")}
	}
	if _, err := sign.Keygen(path); err != nil {
		return true, err
	}
	fmt.Fprintf(stdout, "wrote %s and %s.pub\n", path, path)
	return true, nil
}

// signKey reads --sign-key's key, nil when not given.
func signKey(c *cli.Context) (ed25519.PrivateKey, error) {
	path := c.String("sign-key")
	if path == "" {
		return nil, nil
	}
	k, err := sign.ReadPrivateKey(path)
	if err != nil {
		return nil, usageError{err}
	}
	return k, nil
}
