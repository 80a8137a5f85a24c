package commands

import (
	"context"
	"fmt"
	"net/url"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
)

// Count returns how many commands of deviceID's history match q's filters
// (Status, CommandName, Since, Until), which History never says. The paging
// fields (PageSize, Marker, Offset) are not sent, but are validated as for
// History. It is one request (POST .../async-commands-history/count, the
// filters as query parameters and no body); being a read, it is retried on
// transient failures like a GET.
func (c *Client) Count(ctx context.Context, deviceID string, q HistoryQuery) (int64, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return 0, err
	}
	if err := q.validate(); err != nil {
		return 0, err
	}
	filters, err := q.filterValues()
	if err != nil {
		return 0, err
	}
	var out struct {
		Count *int64 `json:"count"`
	}
	info, err := c.core.Do(ctx, core.Request{
		Method:     "POST",
		Path:       c.devicePath(deviceID) + "/async-commands-history/count",
		Query:      filters,
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

// filterValues renders q's filters without the paging parameters.
func (q *HistoryQuery) filterValues() (url.Values, error) {
	v, err := q.values("", 0)
	v.Del("limit")
	return v, err
}
