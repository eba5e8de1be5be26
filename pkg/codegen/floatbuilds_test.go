package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
)

// featureBuild is a set of CPU features a float exec test compiles for.
type featureBuild struct {
	name string
	f    uint64
}

// floatBuilds returns builds and, when the host has AVX, base|AVX after
// them (logged when it has not: the VEX forms are then not run).
func floatBuilds(t *testing.T, base uint64, builds ...featureBuild) []featureBuild {
	if load.HostFeatures()&object.FeatureAVX != 0 {
		return append(builds, featureBuild{"avx", base | object.FeatureAVX})
	}
	t.Log("no AVX on this host: the VEX forms are not run")
	return builds
}

// agreeWithFirst keeps the first build's outcomes in *ref, and reports
// each outcome of a later build that differs from them (first names the
// first build in the message).
func agreeWithFirst(t *testing.T, ref *map[string]memOutcome, got map[string]memOutcome, first string) {
	t.Helper()
	if *ref == nil {
		*ref = got
		return
	}
	for k, v := range got {
		if (*ref)[k] != v {
			t.Errorf("%s: %+v, %s %+v", k, v, first, (*ref)[k])
		}
	}
}
