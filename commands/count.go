package commands

import (
	"context"
	"fmt"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
)

// CountQuery filters a count of a device's command history. The zero value
// counts every command.
type CountQuery struct {
	// Status counts only commands in this status.
	Status Status
	// CommandName counts only commands with exactly this name.
	CommandName string
	// Since and Until count commands created from Since to Until, as in
	// HistoryQuery (either may be zero).
	Since, Until time.Time
}

// Count returns how many commands of deviceID's history match q, which
// History never says (POST .../async-commands-history/count; being a read,
// it is retried like a GET).
func (c *Client) Count(ctx context.Context, deviceID string, q CountQuery) (int, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return 0, err
	}
	hq := HistoryQuery{Status: q.Status, CommandName: q.CommandName, Since: q.Since, Until: q.Until}
	if err := hq.validate("CountQuery"); err != nil {
		return 0, err
	}
	var out wireCount
	requestID, err := c.do(ctx, "POST", deviceID, "/async-commands-history/count", hq.params("", 0, 0), nil, &out)
	switch {
	case err != nil:
		return 0, err
	case out.Count == nil:
		return 0, fmt.Errorf("%w: the count answer has no count (request ID %s)", iotclient.ErrMalformedResponse, requestID)
	case *out.Count < 0:
		return 0, fmt.Errorf("%w: the platform counted %d commands (request ID %s)", iotclient.ErrMalformedResponse, *out.Count, requestID)
	}
	return *out.Count, nil
}
