package objdump

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestSchemaDocumented: every JSON field of both reports is named in
// SCHEMA.md, so the document cannot fall behind the code.
func TestSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile("../SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				if f.Anonymous {
					walk(f.Type, path)
				}
				continue
			}
			if !strings.Contains(string(doc), "`"+name+"`") && !strings.Contains(string(doc), "`"+name+"[]`") &&
				!strings.Contains(string(doc), "."+name+"`") {
				t.Errorf("%s%s is not in SCHEMA.md", path, name)
			}
			walk(f.Type, path+name+".")
		}
	}
	walk(reflect.TypeOf(report{}), "lucet-object: ")
	walk(reflect.TypeOf(wasmReport{}), "wasm: ")
}
