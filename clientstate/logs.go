package clientstate

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the connection log API.
const (
	// MaxLogLimit is the most entries one connection-log request returns,
	// and the SDK's default page size.
	MaxLogLimit = 20
	// MaxLogOffset is the largest skip count the API accepts: entries
	// beyond the first MaxLogOffset+MaxLogLimit cannot be reached (narrow
	// the query with From and To instead).
	MaxLogOffset = 1000
)

// LogQuery narrows and pages a device's connection log.
type LogQuery struct {
	// From and To keep entries between the two times ("fromTime",
	// "toTime", sent in UTC RFC 3339 with milliseconds). The API needs
	// both or neither, and From must not be after To.
	From, To time.Time
	// Limit is the number of entries each request asks for ("limit"), 1
	// to MaxLogLimit; zero means MaxLogLimit. It is a page size: the
	// iterator pages on until the log ends.
	Limit int
}

func (q *LogQuery) validate() error {
	switch {
	case q.Limit < 0 || q.Limit > MaxLogLimit:
		return iotclient.NewValidationError("LogQuery.Limit", strconv.Itoa(q.Limit), "must be between 1 and 20 (0 means 20)")
	case !q.From.IsZero() && q.To.IsZero():
		return iotclient.NewValidationError("LogQuery.To", "", "is required with From: the API takes both times or neither")
	case q.From.IsZero() && !q.To.IsZero():
		return iotclient.NewValidationError("LogQuery.From", "", "is required with To: the API takes both times or neither")
	case q.From.After(q.To):
		return iotclient.NewValidationError("LogQuery.From", wire.FormatIBM(q.From), "is after To ("+wire.FormatIBM(q.To)+")")
	}
	return nil
}

// LogEntry is one event of a device's connection log: a connect, a failed
// connection attempt, or a disconnect by the device or the server.
type LogEntry struct {
	// Time is when it happened, in UTC ("timestamp"); zero if the platform
	// did not say.
	Time time.Time
	// Message describes the event ("message").
	Message string
}

// logList is the connection log response: a JSON array of entries.
type logList []wireLogEntry

// DecodeJSON implements core.Decoder.
func (l *logList) DecodeJSON(data []byte) error { return decode(data, (*[]wireLogEntry)(l)) }

// ConnectionLogs returns an iterator over the connection log of the device
// typeID/deviceID (GET /logs/connection), newest first as the platform
// returns it, across pages of q.Limit entries. The API pages by skip count
// up to MaxLogOffset: a log that goes on beyond it ends the iteration with an
// error matching pagination.ErrOffsetLimit. The iterator stops fetching as
// soon as the loop breaks and ends after yielding an error once; ranging
// over it again starts again.
//
// typeID and deviceID are 1 to 36 of [A-Za-z0-9-_.]; they and q are checked
// before any request, and bad input is yielded as a
// *iotclient.ValidationError. An unknown device type or device is an
// *iotclient.APIError matching iotclient.ErrNotFound.
func (c *Client) ConnectionLogs(ctx context.Context, typeID, deviceID string, q LogQuery) iter.Seq2[LogEntry, error] {
	err := checkPart("typeID", typeID)
	if err == nil {
		err = checkPart("deviceID", deviceID)
	}
	if err == nil {
		err = q.validate()
	}
	if err != nil {
		return func(yield func(LogEntry, error) bool) { yield(LogEntry{}, err) }
	}
	limit := q.Limit
	if limit == 0 {
		limit = MaxLogLimit
	}
	base := url.Values{
		"typeId":   {typeID},
		"deviceId": {deviceID},
		"limit":    {strconv.Itoa(limit)},
	}
	if !q.From.IsZero() {
		base.Set("fromTime", wire.FormatIBM(q.From))
		base.Set("toTime", wire.FormatIBM(q.To))
	}
	return pagination.Offset(ctx, limit, MaxLogOffset, func(ctx context.Context, offset, limit int) ([]LogEntry, error) {
		return c.logPage(ctx, base, offset, limit)
	})
}

func (c *Client) logPage(ctx context.Context, base url.Values, offset, limit int) ([]LogEntry, error) {
	v := base
	if offset > 0 { // the API's offset is 1 to 1000: the first page sends none
		v = make(url.Values, len(base)+1)
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(offset))
	}
	var out logList
	info, err := c.core.Do(ctx, core.Request{Method: "GET", Path: "/logs/connection", Query: v, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		return nil, fmt.Errorf("%w: the platform returned %d connection log entries for a page of %d (request ID %s)",
			iotclient.ErrMalformedResponse, len(out), limit, info.RequestID)
	}
	entries := make([]LogEntry, len(out))
	for i, w := range out {
		entries[i] = LogEntry{Time: w.Timestamp.Time(), Message: w.Message}
	}
	return entries, nil
}
