//go:build race

package commands_test

// raceEnabled reports a -race build: the slowest tests do less under it.
const raceEnabled = true
