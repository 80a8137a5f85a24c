package commandstest

import (
	"encoding/json"
	"strconv"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// AddDevice registers a device with no commands.
func (s *Server) AddDevice(deviceID string) { s.m.AddDevice(deviceID) }

// Seed adds n realistic commands to deviceID and returns them newest
// first: every status, service and strategy, the same for the same seed
// and reference time (Now). Created times, in whole seconds, lie before
// Now:
//
//   - PENDING, SENT and DELIVERED: 5 minutes to 20 hours before;
//   - SUCCESSFUL, FAILED and TIMEOUT: 2 hours to 30 days before;
//   - EXPIRED: 3 to 30 days before.
//
// The history holds the DELIVERED and final commands (as the platform's
// does); PENDING and SENT ones are still cached and listed by Queue. So
// HistoryQuery{Since: time.Now().Add(-48 * time.Hour)} finds the DELIVERED
// commands and the final ones of the last two days.
func (s *Server) Seed(deviceID string, n int, seed int64) []commands.Command {
	return fromMock(s.m.SeedCommands(deviceID, n, seed))
}

// Add stores commands for deviceID as given. Their IDs order them: a larger
// ID is newer (IoTDA uses 24-hex object IDs); an empty ID gets a new one,
// larger than every stored ID, and an empty CreatedAt the current time.
// Params and Result, when set, must be JSON and Expire must not be
// negative: else Add stores nothing and returns a
// *iotclient.ValidationError naming the command.
func (s *Server) Add(deviceID string, cmds ...commands.Command) error {
	m := make([]mockserver.Command, len(cmds))
	for i, c := range cmds {
		field := "Command[" + strconv.Itoa(i) + "]"
		switch {
		case len(c.Params) > 0 && !json.Valid(c.Params):
			return iotclient.NewValidationError(field+".Params", string(c.Params), "is not JSON")
		case len(c.Result) > 0 && !json.Valid(c.Result):
			return iotclient.NewValidationError(field+".Result", string(c.Result), "is not JSON")
		case c.Expire < 0:
			return iotclient.NewValidationError(field+".Expire", c.Expire.String(), "must not be negative")
		}
		m[i] = mockserver.Command{
			ID: c.ID, DeviceID: deviceID, ServiceID: c.ServiceID, Name: c.Name, Status: string(c.Status),
			ExpireSeconds: int(c.Expire / time.Second), SendStrategy: string(c.SendStrategy),
			Created: c.CreatedAt, Sent: c.SentAt, Delivered: c.DeliveredAt, Responded: c.RespondedAt,
			Paras: c.Params, Result: c.Result,
		}
	}
	s.m.AddCommands(deviceID, m...)
	return nil
}

// Commands returns what the fake holds for deviceID, newest first.
func (s *Server) Commands(deviceID string) []commands.Command {
	return fromMock(s.m.Commands(deviceID))
}

// SetStatus moves a command to status, with the device's result (may be
// nil).
func (s *Server) SetStatus(deviceID, commandID string, status commands.Status, result json.RawMessage) error {
	return s.m.SetCommandStatus(deviceID, commandID, string(status), result)
}

// fromMock converts the fake's commands, whose times are already as the
// platform reports them (UTC, whole seconds).
func fromMock(in []mockserver.Command) []commands.Command {
	out := make([]commands.Command, len(in))
	for i, c := range in {
		out[i] = commands.Command{
			ID: c.ID, DeviceID: c.DeviceID, ServiceID: c.ServiceID, Name: c.Name,
			Status: commands.Status(c.Status), SendStrategy: commands.SendStrategy(c.SendStrategy),
			Expire:    time.Duration(c.ExpireSeconds) * time.Second,
			CreatedAt: c.Created, SentAt: c.Sent, DeliveredAt: c.Delivered, RespondedAt: c.Responded,
			Params: c.Paras, Result: c.Result,
		}
	}
	return out
}
