package load

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestDataImageAgreement: the loader refuses metadata and a memory image
// that disagree on who holds the active segments' bytes.
func TestDataImageAgreement(t *testing.T) {
	linked, err := Bytes(smallELF(t))
	if err != nil {
		t.Fatal(err)
	}
	defer linked.Close()
	if !linked.Meta.InImage() || linked.Data == nil || !linked.Data.Complete {
		t.Fatalf("link did not store the active segments in a complete image")
	}
	withBytes := objtest.Small().Meta // active segments with their bytes
	incomplete := &link.DataImage{}
	for _, tt := range []struct {
		name string
		meta *object.Meta
		img  *link.DataImage
		want string // "" for accepted
	}{
		{"linked", linked.Meta, linked.Data, ""},
		{"segments with their bytes, no image", &withBytes, nil, ""},
		{"segments with their bytes, incomplete image", &withBytes, incomplete, ""},
		{"in the image, no image", linked.Meta, nil, "lacks"},
		{"in the image, incomplete image", linked.Meta, incomplete, "lacks"},
		{"twice", &withBytes, linked.Data, "both in the metadata and"},
		{"no active segment", &object.Meta{Mems: withBytes.Mems}, linked.Data, "no active data segment"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDataImage(tt.meta, tt.img)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("checkDataImage: %v, want %q", err, tt.want)
			}
		})
	}

	// FromObject has no image to take the bytes from.
	o := objtest.Small()
	for i, d := range o.Meta.Datas {
		if d.Mode == wasm.SegmentActive {
			o.Meta.Datas[i] = object.Data{Mode: d.Mode, Offset: d.Offset, InImage: true, Len: uint32(len(d.Init))}
		}
	}
	if m, err := FromObject(o); err == nil || !strings.Contains(err.Error(), "lacks") {
		if m != nil {
			m.Close()
		}
		t.Errorf("FromObject of segments stored in an image: %v", err)
	}
}
