//go:build race

package clientstate_test

// raceEnabled reports a -race build: the slowest tests do less under it.
const raceEnabled = true
