package commandstest

import (
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Lifecycle makes the commands the fake creates progress on their own,
// as a device would answer them (see WithLifecycle). Zero durations take
// the defaults shown.
type Lifecycle struct {
	// SendAfter is how long a delay command stays PENDING before it is
	// SENT (default 10s). It expires instead when its Expire comes first.
	SendAfter time.Duration
	// DeliverAfter is how long a command stays SENT before it is
	// DELIVERED (default 1s).
	DeliverAfter time.Duration
	// RespondAfter is how long a command stays DELIVERED before the
	// device answers: SUCCESSFUL or FAILED, with a result (default 2s).
	RespondAfter time.Duration
	// TimeoutAfter is how long after it was sent a command whose outcome
	// is TIMEOUT times out (default 30s).
	TimeoutAfter time.Duration
	// Outcomes maps a command name to its final status: StatusSuccessful,
	// StatusFailed, StatusTimeout or StatusExpired. Names not listed end
	// SUCCESSFUL.
	Outcomes map[string]commands.Status
}

// WithLifecycle makes the commands created through the API (Create) or
// Add without an ID move through their statuses by themselves, as the
// real clock passes: PENDING, SENT, DELIVERED, then their outcome. Seeded
// commands and those added with an ID never change by themselves. The
// state is brought up to date whenever a request arrives, so a
// commands.Client polling with Wait sees each step. An outcome other than
// the four final statuses is refused when the server starts (NewServer
// panics, as it is the test's own mistake).
func WithLifecycle(l Lifecycle) Option {
	return func(o *options) { o.lifecycle = &l }
}

func (l *Lifecycle) mock() mockserver.Option {
	outcomes := make(map[string]string, len(l.Outcomes))
	for name, st := range l.Outcomes {
		outcomes[name] = string(st)
	}
	return mockserver.WithLifecycle(mockserver.Lifecycle{
		SendAfter: l.SendAfter, DeliverAfter: l.DeliverAfter,
		RespondAfter: l.RespondAfter, TimeoutAfter: l.TimeoutAfter, Outcomes: outcomes,
	})
}
