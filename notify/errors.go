package notify

import (
	"errors"
	"fmt"
)

// ErrLost matches the error a stream of notifications yields when one or
// more notifications were lost on the way: the HTTP handler answered 503
// (the consumer was too slow) or refused a document too large, a consumer
// reconnected, ... The stream goes on after it. A consumer that keeps
// state from the stream (a waiter, a device tracker) should re-read that
// state over REST: the platform does not send a lost notification again.
var ErrLost = errors.New("notify: notifications were lost")

// LossError reports notifications lost on the way to the stream; it
// matches ErrLost.
type LossError struct {
	// Count is how many documents were lost, when known (0 when not).
	Count int
	// Reason says why: "the consumer did not take it within 5s", ...
	Reason string
}

// Error says how many were lost and why.
func (e *LossError) Error() string {
	if e.Count == 0 {
		return "notify: notifications lost: " + e.Reason
	}
	return fmt.Sprintf("notify: %d notification(s) lost: %s", e.Count, e.Reason)
}

// Is reports whether target is ErrLost.
func (e *LossError) Is(target error) bool { return target == ErrLost }

// IsTransient reports whether a stream of notifications goes on after err:
// a *DocumentError (one undecodable document), an error matching ErrLost,
// or an error whose Transient method says so (a channel's lost connection
// it recovers from, such as notifyamqp's *ConnectionError). Any other error
// is the stream's last, so a consumer loop may skip transient errors
// (continue) and return the others, as with clientstate/live's
// Monitor.Events.
func IsTransient(err error) bool {
	var de *DocumentError
	var t interface{ Transient() bool }
	return errors.As(err, &de) || errors.Is(err, ErrLost) || errors.As(err, &t) && t.Transient()
}
