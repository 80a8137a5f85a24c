package main

import (
	"errors"
	"testing"
)

// startOnce starts a fake the first time only, tells mockStarted each time
// it does, and leaves the slot empty when starting fails, so a later call
// starts it again.
func TestStartOnce(t *testing.T) {
	type fake struct{ n int }
	var f mockFleet
	var slot *fake
	started := 0
	mockStarted = func(*mockFleet) { started++ }
	t.Cleanup(func() { mockStarted = nil })

	errBroken := errors.New("broken")
	if s, err := startOnce(&f, &slot, func() (*fake, error) { return nil, errBroken }); s != nil || !errors.Is(err, errBroken) || slot != nil {
		t.Fatalf("a failed start: %v, %v, slot %v", s, err, slot)
	}
	calls := 0
	start := func() (*fake, error) { calls++; return &fake{n: calls}, nil }
	first, err := startOnce(&f, &slot, start)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := startOnce(&f, &slot, start)
	if first != second || slot != first || calls != 1 || started != 1 {
		t.Errorf("two calls: %p and %p, slot %p, %d starts, %d notices; want one fake started once", first, second, slot, calls, started)
	}
}

// closeIfFailed closes a fake whose seeding failed, and only then.
func TestCloseIfFailed(t *testing.T) {
	var c closeCounter
	if err := closeIfFailed(&c, nil); err != nil || c.n != 0 {
		t.Errorf("no error: %v, %d closes", err, c.n)
	}
	errBroken := errors.New("broken")
	if err := closeIfFailed(&c, errBroken); !errors.Is(err, errBroken) || c.n != 1 {
		t.Errorf("an error: %v, %d closes", err, c.n)
	}
}

type closeCounter struct{ n int }

func (c *closeCounter) Close() { c.n++ }
