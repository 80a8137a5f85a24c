package testfake

import (
	"time"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Fault is the shape of commandstest.Fault and clientstatetest.Fault: the
// fields of mockserver.Fault, in its order, so each converts to it.
type Fault interface {
	~struct {
		Status                    int
		Code                      string
		RetryAfter                time.Duration
		Drop, Truncate, Malformed bool
	}
}

// SetFaultRate makes each request to m fail with probability rate, with one
// of faults picked at random: by default 429, 503, a dropped connection and
// a truncated body.
func SetFaultRate[F Fault](m *mockserver.Server, rate float64, seed int64, faults []F) {
	all := []mockserver.Fault{{Status: 429}, {Status: 503}, {Drop: true}, {Truncate: true}}
	if len(faults) > 0 {
		all = make([]mockserver.Fault, len(faults))
		for i, f := range faults {
			all[i] = mockserver.Fault(f)
		}
	}
	m.SetRandomFaults(mockserver.RouteAll, rate, seed, all...)
}
