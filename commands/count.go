package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-querystring/query"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// CountQuery filters a count of a device's command history. The zero value
// counts every command.
type CountQuery struct {
	// Status counts only commands in this status.
	Status Status
	// CommandName counts only commands with exactly this name.
	CommandName string
	// Since and Until count commands created from Since to Until, as
	// HistoryQuery's do (either may be zero), sent in UTC to the second.
	Since, Until time.Time
}

// Count returns how many commands of deviceID's history match q, which
// History never says. It is one request (POST
// .../async-commands-history/count, the filters as query parameters); being
// a read, it is retried on transient failures like a GET.
func (c *Client) Count(ctx context.Context, deviceID string, q CountQuery) (int, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return 0, err
	}
	if err := checkFilter("CountQuery", q.Status, q.CommandName, q.Since, q.Until); err != nil {
		return 0, err
	}
	params, err := query.Values(listParams{
		CommandName: q.CommandName, EndTime: wire.CompactTime(q.Until),
		StartTime: wire.CompactTime(q.Since), Status: q.Status,
	})
	if err != nil {
		return 0, err
	}
	var out wireCount
	info, err := c.core.Do(ctx, core.Request{
		Method:     "POST",
		Path:       c.devicePath(deviceID) + "/async-commands-history/count",
		Query:      params,
		Idempotent: true,
	}, &out)
	if err != nil {
		return 0, err
	}
	switch {
	case out.Count == nil:
		return 0, fmt.Errorf("%w: the count answer has no count (request ID %s)", iotclient.ErrMalformedResponse, info.RequestID)
	case *out.Count < 0:
		return 0, fmt.Errorf("%w: the platform counted %d commands (request ID %s)", iotclient.ErrMalformedResponse, *out.Count, info.RequestID)
	}
	return *out.Count, nil
}
