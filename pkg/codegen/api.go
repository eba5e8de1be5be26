package codegen

// Names that moved into the pipeline packages, kept so that callers of
// pkg/codegen compile unchanged.

import (
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Options control compilation (see ssa.Options: every stage reads them).
type Options = ssa.Options
