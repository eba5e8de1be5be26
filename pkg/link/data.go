package link

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// .lucet.data holds the initial contents of memory 0 as a sparse image of
// 4 KiB pages, so a runtime can map them copy-on-write instead of copying
// data segments at every instantiation. Layout (little endian), starting at
// a page-aligned file offset:
//
//	 0  [4]byte "LDAT"
//	 4  uint32  DataVersion
//	 8  uint32  flags: DataComplete
//	12  uint32  page size (DataPageSize)
//	16  uint32  number of pages n
//	20  uint32  zero
//	24  n × {uint64 offset in linear memory, uint64 offset in the section}
//	    then the pages, each DataPageSize bytes at a page-aligned offset,
//	    sorted by memory offset. Pages not listed are zero.
//
// DataComplete is set when the image is exactly the result of applying
// every active data segment in order: all of them target a memory the
// module defines, have i32.const offsets, and fit its initial size. The
// image is then the only copy of their bytes: the metadata keeps each
// active segment's place and length (object.Data.InImage), for tools and
// checks, and passive segments whole. When it is clear the image is empty
// and the runtime applies Meta.Datas, bytes included, one by one, so that
// a segment that traps does so after the writes of those before it.

// Data image constants.
const (
	DataMagic    = "LDAT"
	DataVersion  = 1
	DataPageSize = 4096
	DataComplete = 1 << 0
	dataHdrSize  = 24
	dataEntSize  = 16
)

// DataPage is one page of a data image.
type DataPage struct {
	MemOffset uint64 // page-aligned offset in linear memory
	Bytes     []byte // DataPageSize bytes, a sub-slice of the section
}

// DataImage is the decoded .lucet.data section.
type DataImage struct {
	Complete bool
	Pages    []DataPage
}

// buildDataImage lays out the data image of m and says whether it is
// complete; see above. The segments are copied straight into the section:
// a first pass finds the pages they touch, so the section is allocated at
// its final size once (gobig has 40 thousand segments over 440 pages).
func buildDataImage(m *object.Meta) ([]byte, bool) {
	complete := true
	memDefined := len(m.Mems) > 0
	for i := range m.Imports {
		if m.Imports[i].Kind == wasm.ExternMemory {
			memDefined = false
		}
	}
	var keys []uint64 // page-aligned memory offsets, sorted once collected
	sorted := true
	for i := range m.Datas {
		d := &m.Datas[i]
		if d.Mode != wasm.SegmentActive {
			continue
		}
		if !memDefined || d.Mem != 0 || d.Offset.Op != wasm.OpI32Const {
			complete = false
			break
		}
		start := uint64(uint32(d.Offset.Value))
		end := start + uint64(len(d.Init))
		if end > m.Mems[0].Limits.Min*wasm.PageSize {
			complete = false
			break
		}
		if start == end {
			continue
		}
		for pg := start &^ (DataPageSize - 1); pg < end; pg += DataPageSize {
			// Segments mostly come in address order, so most
			// repeats are of the last page.
			if n := len(keys); n > 0 && keys[n-1] >= pg {
				if keys[n-1] == pg {
					continue
				}
				sorted = false
			}
			keys = append(keys, pg)
		}
	}
	if !complete {
		keys = nil
	}
	if !sorted {
		slices.Sort(keys)
		keys = slices.Compact(keys)
	}
	if complete && tooSparse(m, len(keys)) {
		complete, keys = false, nil
	}

	first := alignUp(uint64(dataHdrSize+dataEntSize*len(keys)), DataPageSize)
	if len(keys) == 0 {
		first = dataHdrSize
	}
	b := make([]byte, first+uint64(len(keys))*DataPageSize)
	copy(b, DataMagic)
	le := binary.LittleEndian
	le.PutUint32(b[4:], DataVersion)
	if complete {
		le.PutUint32(b[8:], DataComplete)
	}
	le.PutUint32(b[12:], DataPageSize)
	le.PutUint32(b[16:], uint32(len(keys)))
	for i, k := range keys {
		e := b[dataHdrSize+dataEntSize*i:]
		le.PutUint64(e, k)
		le.PutUint64(e[8:], first+uint64(i)*DataPageSize)
	}
	if len(keys) == 0 {
		return b, complete
	}
	// Every active segment passed the checks above, and every page it
	// touches is in keys.
	at := 0 // index in keys of the last page written
	for i := range m.Datas {
		d := &m.Datas[i]
		if d.Mode != wasm.SegmentActive {
			continue
		}
		start := uint64(uint32(d.Offset.Value))
		for off, src := start, d.Init; len(src) > 0; {
			pg := off &^ (DataPageSize - 1)
			if keys[at] != pg {
				at, _ = slices.BinarySearch(keys, pg)
			}
			n := copy(b[first+uint64(at)*DataPageSize+(off-pg):first+uint64(at+1)*DataPageSize], src)
			src = src[n:]
			off += uint64(n)
		}
	}
	return b, complete
}

// DecodeDataImage parses a .lucet.data section. Pages alias b.
func DecodeDataImage(b []byte) (*DataImage, error) {
	if len(b) < dataHdrSize {
		return nil, fmt.Errorf("data image: %d bytes, shorter than its header", len(b))
	}
	if string(b[:4]) != DataMagic {
		return nil, fmt.Errorf("data image: bad magic %q", b[:4])
	}
	le := binary.LittleEndian
	if v := le.Uint32(b[4:]); v != DataVersion {
		return nil, fmt.Errorf("data image: version %d, this build reads %d", v, DataVersion)
	}
	flags := le.Uint32(b[8:])
	if flags&^DataComplete != 0 {
		return nil, fmt.Errorf("data image: unknown flags %#x", flags)
	}
	if ps := le.Uint32(b[12:]); ps != DataPageSize {
		return nil, fmt.Errorf("data image: page size %d, want %d", ps, DataPageSize)
	}
	n := uint64(le.Uint32(b[16:]))
	if n > uint64(len(b)-dataHdrSize)/dataEntSize {
		return nil, fmt.Errorf("data image: %d pages do not fit %d bytes", n, len(b))
	}
	img := &DataImage{Complete: flags&DataComplete != 0}
	if n > 0 {
		img.Pages = make([]DataPage, n)
	}
	for i := range img.Pages {
		e := b[dataHdrSize+dataEntSize*i:]
		mo, fo := le.Uint64(e), le.Uint64(e[8:])
		if mo%DataPageSize != 0 || fo%DataPageSize != 0 || fo > uint64(len(b)) || uint64(len(b))-fo < DataPageSize {
			return nil, fmt.Errorf("data image: page %d (memory %#x, section %#x) misaligned or outside the %d-byte section", i, mo, fo, len(b))
		}
		if i > 0 && mo <= img.Pages[i-1].MemOffset {
			return nil, fmt.Errorf("data image: page %d not sorted", i)
		}
		img.Pages[i] = DataPage{MemOffset: mo, Bytes: b[fo : fo+DataPageSize : fo+DataPageSize]}
	}
	return img, nil
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// Sparse images. A page of image costs DataPageSize bytes of object
// whatever a segment puts in it, so 100,000 one-byte segments 40 KiB apart
// (a 1 MB .wasm) made a 412 MB object, and as much in the compile cache
// (whose default bound is 2 GiB). An image larger than maxSparseImage
// that is more than sparseFactor times the bytes of the segments it holds
// is not made: the segments stay in the metadata and the runtime applies
// them at instantiation, as for a module whose image is not complete.
// (wasmtime likewise falls back from its copy-on-write image to segments
// when the image would be sparse.) Applying them costs every instance
// page faults over the pages they touch, where an image's pages fault in
// only as the guest reads them, so the bound is high: real modules'
// images are dense (each page holds mostly data) and far smaller, and
// what a sparse module can make is 64 MiB plus eight times its data.
const (
	maxSparseImage = 64 << 20
	sparseFactor   = 8
)

// tooSparse reports whether an image of pages pages would be too sparse
// for the active segments of m (see maxSparseImage).
func tooSparse(m *object.Meta, pages int) bool {
	image := uint64(pages) * DataPageSize
	if image <= maxSparseImage {
		return false
	}
	var data uint64
	for i := range m.Datas {
		if m.Datas[i].Mode == wasm.SegmentActive {
			data += uint64(len(m.Datas[i].Init))
		}
	}
	return image > sparseFactor*data
}

// ImageOf is the data image of an object held in memory (not linked into
// a file), so that its instances start from the image as a linked
// module's do: nil when the image would not be complete (the runtime
// then applies the segments one by one).
func ImageOf(m *object.Meta) *DataImage {
	b, complete := buildDataImage(m)
	if !complete {
		return nil
	}
	img, err := DecodeDataImage(b)
	if err != nil {
		return nil
	}
	return img
}
