package notifyamqp

import "testing"

// TestWindowGrantsOnlyWhenNothingIsOnTheWay: credit is granted only once
// every message of the last grant has arrived, then as soon as at most half
// the window waits to be handled; the messages waiting and those on the
// way never add up to more than the window.
func TestWindowGrantsOnlyWhenNothingIsOnTheWay(t *testing.T) {
	w := window{size: 10}
	waiting := 0
	step := func(arrive, handle, want int) {
		t.Helper()
		for range arrive {
			w.arrived()
			waiting++
		}
		waiting -= handle
		got := w.grant(waiting)
		if got != want {
			t.Fatalf("waiting %d, on the way %d: granted %d, want %d", waiting, w.inFlight, got, want)
		}
		if waiting+w.inFlight > w.size {
			t.Fatalf("waiting %d + on the way %d > window %d", waiting, w.inFlight, w.size)
		}
	}
	step(0, 0, 10) // the first grant: the whole window
	step(4, 1, 0)  // 6 still on the way
	step(6, 2, 0)  // all arrived, but 7 wait: more than half
	step(0, 2, 5)  // 5 wait: the next 5 granted
	step(3, 5, 0)  // 2 of them on the way
	step(2, 2, 7)  // all arrived, 3 wait: the window is filled up again
}

// TestWindowOfOne: Credit 1 grants one message at a time, after the last
// has arrived and been handled.
func TestWindowOfOne(t *testing.T) {
	w := window{size: 1}
	if got := w.grant(0); got != 1 {
		t.Fatalf("first grant %d", got)
	}
	if got := w.grant(0); got != 0 {
		t.Fatalf("granted %d while one is on the way", got)
	}
	w.arrived()
	if got := w.grant(1); got != 0 {
		t.Fatalf("granted %d while one waits", got)
	}
	if got := w.grant(0); got != 1 {
		t.Fatalf("granted %d once it was handled", got)
	}
}

// TestWindowExtraMessageNotCountedBelowZero: a message the broker sent
// beyond its credit does not leave credit owed.
func TestWindowExtraMessageNotCountedBelowZero(t *testing.T) {
	w := window{size: 4}
	w.grant(0)
	for range 5 {
		w.arrived()
	}
	if w.inFlight != 0 {
		t.Fatalf("on the way: %d", w.inFlight)
	}
	if got := w.grant(2); got != 2 {
		t.Fatalf("granted %d with 2 waiting, want 2", got)
	}
}
