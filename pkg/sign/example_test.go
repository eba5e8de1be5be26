package sign_test

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/sign"
)

// Sign an object and load it only if a trusted key signed it.
func ExampleObject() {
	so, _ := link.ELF(objtest.Small()) // what lucetc writes
	pub, priv, _ := ed25519.GenerateKey(nil)
	unsigned := append([]byte(nil), so...)
	if err := sign.Object(so, priv); err != nil {
		fmt.Println(err)
		return
	}
	m, err := load.Bytes(so, load.RequireSignature(pub))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	fmt.Println("signed:", m.Meta.ModuleName)
	_, err = load.Bytes(unsigned, load.RequireSignature(pub))
	fmt.Println("unsigned refused:", errors.Is(err, load.ErrUnsigned))
	// Output:
	// signed: small
	// unsigned refused: true
}
