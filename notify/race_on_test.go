//go:build race

package notify_test

// raceEnabled reports a -race build, under which allocation counts mean
// nothing.
const raceEnabled = true
