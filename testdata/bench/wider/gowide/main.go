// Command gowide is the Go member of the wider benchmark set: a program
// built with GOOS=wasip1 GOARCH=wasm, whose code has Go's wasm shape (huge
// functions around a br_table resume dispatcher, the Go stack in linear
// memory, many globals). It does ordinary Go work: a map[string]int word
// count, sort.Slice of structs, strconv formatting and parsing, a
// strings.Builder, slices growing through append, and an interface call
// per element. It prints one checksum line.
package main

import (
	"os"
	"sort"
	"strconv"
	"strings"
)

type shape interface{ area() float64 }
type rect struct{ w, h float64 }
type circ struct{ r float64 }

func (r rect) area() float64 { return r.w * r.h }
func (c circ) area() float64 { return 3.14159 * c.r * c.r }

type rec struct {
	name string
	n    int
	f    float64
}

func main() {
	n := 200000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v > 0 {
			n = v
		}
	}
	s := uint64(42)
	next := func() uint64 {
		s += 0x9E3779B97F4A7C15
		z := s
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		return z ^ z>>31
	}
	words := []string{"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"}
	counts := map[string]int{}
	var recs []rec
	var sb strings.Builder
	var shapes []shape
	h := uint64(0)
	for i := 0; i < n; i++ {
		r := next()
		sb.Reset()
		sb.WriteString(words[r%8])
		sb.WriteByte('-')
		sb.WriteString(strconv.FormatUint(r>>50, 10))
		k := sb.String()
		counts[k]++
		if i%4 == 0 {
			recs = append(recs, rec{k, int(r >> 40), float64(r>>11) / (1 << 53)})
		}
		if r&1 == 0 {
			shapes = append(shapes, rect{float64(r % 100), float64(r >> 60)})
		} else {
			shapes = append(shapes, circ{float64(r % 17)})
		}
		v, _ := strconv.ParseInt(strconv.FormatInt(int64(r>>20)-1<<42, 16), 16, 64)
		h = h*31 + uint64(v)
	}
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].name != recs[j].name {
			return recs[i].name < recs[j].name
		}
		return recs[i].n < recs[j].n
	})
	for i, r := range recs {
		if i%97 == 0 {
			h = h*31 + uint64(r.n) + uint64(len(r.name))
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h = h*131 + uint64(counts[k])
	}
	area := 0.0
	for _, sh := range shapes {
		area += sh.area()
	}
	out := "gowide " + strconv.Itoa(n) + " " + strconv.Itoa(len(keys)) + " " +
		strconv.FormatUint(h, 16) + " " + strconv.FormatFloat(area, 'f', 3, 64) + "\n"
	os.Stdout.WriteString(out)
}
