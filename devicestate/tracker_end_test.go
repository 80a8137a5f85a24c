package devicestate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/notify"
)

// valueless hides its parent's values, so a context derived from it learns
// of the parent's cancellation from a goroutine, a moment after anything
// that watches the parent itself: the widest form of the window between a
// parent's cancellation and its children's.
type valueless struct{ context.Context }

func (valueless) Value(any) any { return nil }

// A stream that ends because the caller's context was cancelled ends Run
// with the context's error, however soon the stream's end reaches Run.
func TestTrackerRunStreamEndsWithContext(t *testing.T) {
	_, c, _ := fake(t, 3)
	for i := range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		stream := func(func(notify.Notification, error) bool) { <-ctx.Done() }
		tr, err := devicestate.NewTracker(c, stream, devicestate.TrackerConfig{ReconcileInterval: -1})
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- tr.Run(valueless{ctx}) }()
		<-tr.Ready()
		cancel()
		require.ErrorIs(t, <-done, context.Canceled, "run %d", i)
	}
}
