//go:build race

package live

// raceEnabled reports a -race build: the slowest tests skip under it.
const raceEnabled = true
