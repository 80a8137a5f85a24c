package notifyamqp_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// TestConnectionErrorTransientForAnyStreamConsumer: whatever takes a
// notification stream decides with notify.IsTransient whether it goes on;
// a lost AMQP connection the consumer recovers from must not look like the
// stream's end, and a fatal one must.
func TestConnectionErrorTransientForAnyStreamConsumer(t *testing.T) {
	lost := &notifyamqp.ConnectionError{Address: "h:5671", Lost: true, Err: errors.New("EOF")}
	fatal := &notifyamqp.ConnectionError{Address: "h:5671", Attempt: 1, Fatal: true, Err: notifyamqp.ErrAuthentication}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{lost, true},
		{fmt.Errorf("wrapped: %w", lost), true},
		{fatal, false},
		{&notify.DocumentError{Err: errors.New("bad")}, true},
		{notifyamqp.ErrNotBuilt, false},
		{&notifyamqp.HandlerError{Err: errors.New("x")}, false},
	} {
		if got := notify.IsTransient(tc.err); got != tc.want {
			t.Errorf("notify.IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
		if got := notifyamqp.IsTransient(tc.err); got != tc.want {
			t.Errorf("notifyamqp.IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if errors.Is(lost, notify.ErrLost) {
		t.Error("a lost AMQP connection loses no notification: it must not match notify.ErrLost")
	}
}
