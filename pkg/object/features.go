package object

import (
	"fmt"
	"strings"
)

// featureNames are the names users write (lucetc --target-feature) and
// tools print, in bit order.
var featureNames = [...]struct {
	bit  uint64
	name string
}{
	{FeatureSSE41, "sse41"},
	{FeatureSSE42, "sse42"},
	{FeaturePOPCNT, "popcnt"},
	{FeatureLZCNT, "lzcnt"},
	{FeatureBMI1, "bmi1"},
	{FeatureBMI2, "bmi2"},
	{FeatureAVX, "avx"},
	{FeatureAVX2, "avx2"},
	{FeatureERMS, "erms"},
}

// AllFeatures is the set of feature bits this build knows.
const AllFeatures = FeatureSSE41 | FeatureSSE42 | FeaturePOPCNT | FeatureLZCNT | FeatureBMI1 | FeatureBMI2 | FeatureAVX | FeatureAVX2 | FeatureERMS

// FeatureNames lists the names of the bits set in f; unknown bits are
// shown in hex.
func FeatureNames(f uint64) []string {
	var out []string
	for _, fn := range featureNames {
		if f&fn.bit != 0 {
			out = append(out, fn.name)
		}
	}
	if rest := f &^ AllFeatures; rest != 0 {
		out = append(out, fmt.Sprintf("%#x", rest))
	}
	return out
}

// FeatureString is FeatureNames joined by commas, or "none".
func FeatureString(f uint64) string {
	if f == 0 {
		return "none"
	}
	return strings.Join(FeatureNames(f), ",")
}

// ParseFeature returns the bit of a feature name (case-insensitive;
// "sse4.1" and "sse4_1" are accepted for sse41).
func ParseFeature(name string) (uint64, error) {
	n := strings.ToLower(strings.NewReplacer(".", "", "_", "").Replace(name))
	for _, fn := range featureNames {
		if fn.name == n {
			return fn.bit, nil
		}
	}
	names := make([]string, len(featureNames))
	for i, fn := range featureNames {
		names[i] = fn.name
	}
	return 0, fmt.Errorf("unknown CPU feature %q (known: %s)", name, strings.Join(names, ", "))
}
