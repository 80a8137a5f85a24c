package clientstatetest

import (
	"strconv"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/testfake"
)

// Seed adds n realistic clients and returns them in the server's default
// order (ascending client ID): about 80% devices, 8% gateways, 12%
// applications of OrgID; about 60% connected; some with absent times or
// fields the SDK does not model. They are the same for the same seed and
// reference time (Now). Times, in milliseconds, lie before Now: the last
// connect 1 minute to 30 days before; a connected client's last
// disconnect up to 10 days before its connect; a disconnected client's
// last disconnect between its connect and Now.
func (s *Server) Seed(n int, seed int64) []clientstate.State {
	return testfake.StatesFromMock(s.m.SeedClients(n, seed))
}

// Add stores client states as given (a client ID already stored is
// replaced). An Extra value that is not JSON is a
// *iotclient.ValidationError and nothing is stored.
func (s *Server) Add(states ...clientstate.State) error {
	m, err := testfake.StatesToMock(states)
	if err != nil {
		return err
	}
	s.m.AddClients(m...)
	return nil
}

// States returns every client the fake holds, in its default order.
func (s *Server) States() []clientstate.State { return testfake.StatesFromMock(s.m.Clients()) }

// SetStatus connects or disconnects a client at a time.
func (s *Server) SetStatus(clientID string, status clientstate.ConnectionStatus, at time.Time) error {
	return s.m.SetClientStatus(clientID, string(status), at)
}

// SetEnabled activates or deactivates the API; while it is off, state
// queries answer 403 (clientstate.ErrDisabled). Stored states are kept.
func (s *Server) SetEnabled(on bool) { s.m.SetClientStateEnabled(on) }

// AddLogs stores connection-log entries for a device (registering the
// device even with no entries). An entry without a time is a
// *iotclient.ValidationError and nothing is stored.
func (s *Server) AddLogs(typeID, deviceID string, entries ...clientstate.LogEntry) error {
	m := make([]mockserver.LogEntry, len(entries))
	for i, e := range entries {
		if e.Time.IsZero() {
			return iotclient.NewValidationError("LogEntry["+strconv.Itoa(i)+"].Time", "", "is required")
		}
		m[i] = mockserver.LogEntry{Time: e.Time, Message: e.Message}
	}
	s.m.AddConnectionLogs(typeID, deviceID, m...)
	return nil
}

// SeedLogs adds n realistic connection-log entries for a device, 1 second
// to 7 days before the reference time (Now), and returns them newest
// first.
func (s *Server) SeedLogs(typeID, deviceID string, n int, seed int64) []clientstate.LogEntry {
	return testfake.LogsFromMock(s.m.SeedConnectionLogs(typeID, deviceID, n, seed))
}

// Logs returns a device's connection log as the fake holds it, newest
// first.
func (s *Server) Logs(typeID, deviceID string) []clientstate.LogEntry {
	return testfake.LogsFromMock(s.m.ConnectionLogs(typeID, deviceID))
}
