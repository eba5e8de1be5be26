// Command gobig is the multi-megabyte real module of lucet's decode and
// validate tests and benchmarks. Built with GOOS=wasip1 GOARCH=wasm by
// scripts/build-testdata.sh into testdata/gobig.wasm. It uses enough of
// the standard library (fmt, encoding/json, regexp, sort, strings) to be
// 2-4 MB, and does a little work with it, printing a checksum, so a runtime
// can also be checked to run it.
package main

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type item struct {
	ID    int               `json:"id"`
	Label string            `json:"label"`
	Tags  []string          `json:"tags"`
	Score float64           `json:"score"`
	Meta  map[string]string `json:"meta"`
}

func main() {
	n := 100
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v > 0 {
			n = v
		}
	}
	re := regexp.MustCompile(`^item-(\d+)-([a-z]+)$`)
	sum := crc32.NewIEEE()
	var items []item
	for i := 0; i < n; i++ {
		it := item{
			ID:    i,
			Label: fmt.Sprintf("item-%d-%s", i*3, strings.Repeat("q", i%4+1)),
			Tags:  []string{strconv.Itoa(i % 7), "t"},
			Score: float64(i) / 7,
			Meta:  map[string]string{"n": strconv.Itoa(i)},
		}
		b, err := json.Marshal(it)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var back item
		if err := json.Unmarshal(b, &back); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if m := re.FindStringSubmatch(back.Label); m != nil {
			sum.Write([]byte(m[1] + m[2]))
		}
		items = append(items, back)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Label < items[j].Label })
	var out strings.Builder
	for _, it := range items {
		fmt.Fprintf(&out, "%d:%s:%.2f ", it.ID, it.Label, it.Score)
	}
	sum.Write([]byte(out.String()))
	fmt.Printf("gobig: %d items, %d report bytes, checksum %08x\n", n, out.Len(), sum.Sum32())
}
