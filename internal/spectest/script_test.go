package spectest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValueParse(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{`{"type":"i32","value":"4294967295"}`, Value{Type: "i32", Bits: 0xffffffff}},
		{`{"type":"i64","value":"18446744073709551615"}`, Value{Type: "i64", Bits: 0xffffffffffffffff}},
		{`{"type":"i32","value":"-1"}`, Value{Type: "i32", Bits: 0xffffffff}},
		{`{"type":"f32","value":"2143289344"}`, Value{Type: "f32", Bits: 0x7fc00000}},
		{`{"type":"f64","value":"nan:canonical"}`, Value{Type: "f64", NaN: NaNCanonical}},
		{`{"type":"f32","value":"nan:arithmetic"}`, Value{Type: "f32", NaN: NaNArithmetic}},
		{`{"type":"i32"}`, Value{Type: "i32", Any: true}},
		{`{"type":"externref","value":"null"}`, Value{Type: "externref", Null: true}},
		{`{"type":"externref","value":"7"}`, Value{Type: "externref", Bits: 7}},
		{`{"type":"funcref"}`, Value{Type: "funcref", Any: true}},
		{`{"type":"v128","lane_type":"i16","value":["1","65535","0","0","0","0","0","258"]}`,
			Value{Type: "v128", LaneType: "i16", V128: [16]byte{1, 0, 0xff, 0xff, 14: 2, 15: 1}}},
		{`{"type":"v128","lane_type":"f32","value":["nan:canonical","0","nan:arithmetic","1065353216"]}`,
			Value{Type: "v128", LaneType: "f32", LaneNaN: [4]NaN{NaNCanonical, 0, NaNArithmetic}, V128: [16]byte{14: 0x80, 15: 0x3f}}},
	}
	for _, tt := range tests {
		var v Value
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if v != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.in, v, tt.want)
		}
	}
	bad := []string{
		`{"type":"i32","value":"x"}`,
		`{"type":"i32","value":"4294967296"}`,
		`{"type":"v128","lane_type":"i32","value":["1","2"]}`,
		`{"type":"v128","lane_type":"i8","value":["nan:canonical","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]}`,
		`{"type":"i128","value":"1"}`,
	}
	for _, in := range bad {
		var v Value
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("%s: parsed as %+v, want an error", in, v)
		}
	}
}

func TestLane(t *testing.T) {
	var v Value
	if err := json.Unmarshal([]byte(`{"type":"v128","lane_type":"i32","value":["1","2","3","4294967295"]}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Lane(1) != 2 || v.Lane(3) != 0xffffffff {
		t.Errorf("lanes %d %d", v.Lane(1), v.Lane(3))
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.json")
	src := `{"source_filename":"x.wast","commands":[
	 {"type":"module","line":1,"name":"$M","filename":"x.0.wasm"},
	 {"type":"register","line":2,"name":"$M","as":"m"},
	 {"type":"assert_return","line":3,"action":{"type":"invoke","module":"$M","field":"f","args":[{"type":"i32","value":"1"}]},"expected":[{"type":"i64","value":"2"}]},
	 {"type":"assert_trap","line":4,"action":{"type":"invoke","field":"g","args":[]},"text":"integer divide by zero","expected":[{"type":"i32"}]},
	 {"type":"assert_malformed","line":5,"filename":"x.1.wat","text":"unknown operator","module_type":"text"},
	 {"type":"action","line":6,"action":{"type":"get","field":"glob"},"expected":[{"type":"i32"}]}]}`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != 6 || s.Name() != "x" {
		t.Fatalf("got %d commands, name %q", len(s.Commands), s.Name())
	}
	c := s.Commands
	if s.ModulePath(&c[0]) != filepath.Join(dir, "x.0.wasm") || c[0].Name != "$M" {
		t.Errorf("module command %+v", c[0])
	}
	if c[1].As != "m" || c[2].Action.Module != "$M" || c[2].Action.Args[0].Bits != 1 || c[2].Expected[0].Bits != 2 {
		t.Errorf("register/assert_return: %+v %+v", c[1], c[2].Action)
	}
	if c[3].Text != "integer divide by zero" || !c[3].Expected[0].Any {
		t.Errorf("assert_trap: %+v", c[3])
	}
	if c[4].ModuleType != "text" || c[5].Action.Type != "get" {
		t.Errorf("assert_malformed/action: %+v %+v", c[4], c[5].Action)
	}
	if _, err := Load(filepath.Join(dir, "none.json")); err == nil {
		t.Error("loading a missing file succeeded")
	}
}

func TestLocateMissing(t *testing.T) {
	t.Setenv(EnvVar, t.TempDir())
	_, err := Locate()
	if err == nil || !strings.Contains(err.Error(), "scripts/fetch-testsuite.sh") {
		t.Errorf("got %v, want an error pointing at scripts/fetch-testsuite.sh", err)
	}
}
