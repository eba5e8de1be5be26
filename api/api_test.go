package api

import (
	"encoding/json"
	"testing"
)

func TestLayoutNames(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Layout
		ok   bool
	}{{"guard", LayoutGuard, true}, {"Dense", LayoutDense, true}, {"sparse", 0, false}, {"", 0, false}} {
		got, err := ParseLayout(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseLayout(%q) = %v, %v", tt.in, got, err)
		}
	}
	b, _ := json.Marshal(struct{ L Layout }{LayoutDense})
	if string(b) != `{"L":"dense"}` {
		t.Errorf("JSON: %s", b)
	}
	var v struct{ L Layout }
	if err := json.Unmarshal([]byte(`{"L":"guard"}`), &v); err != nil || v.L != LayoutGuard {
		t.Errorf("unmarshal: %v %v", v.L, err)
	}
	if s := Layout(7).String(); s != "Layout(7)" {
		t.Errorf("unknown layout: %s", s)
	}
}
