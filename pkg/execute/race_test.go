//go:build race

package execute

// The race detector's shadow memory leaves less address space for
// reservations: tests that reserve much of it scale down.
const raceEnabled = true
