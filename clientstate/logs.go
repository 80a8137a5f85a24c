package clientstate

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the connection log API.
const (
	MaxLogLimit  = 20   // the largest LogQuery.Limit
	MaxLogOffset = 1000 // the largest skip count the API accepts
)

// LogQuery narrows and pages a device's connection log. The zero value asks
// as IBM's own SDKs do, with the device alone.
type LogQuery struct {
	// From and To keep entries between the two times ("fromTime",
	// "toTime"): both or neither, From not after To.
	From, To time.Time
	// Limit is the number of entries each request asks for ("limit"), 1
	// to MaxLogLimit. Zero sends no limit: one request, whose answer is the
	// whole log. With a limit the iterator pages on by offset until a page
	// is not Limit long (a longer one, from a server that ignores limit,
	// is yielded whole and ends it).
	Limit int
}

func (q *LogQuery) validate() error {
	switch {
	case q.Limit < 0 || q.Limit > MaxLogLimit:
		return invalid.Field("LogQuery.Limit", fmt.Sprint(q.Limit), "must be between 1 and 20 (0 sends none)")
	case !q.From.IsZero() && q.To.IsZero():
		return invalid.Field("LogQuery.To", "", "is required with From: the API takes both times or neither")
	case q.From.IsZero() && !q.To.IsZero():
		return invalid.Field("LogQuery.From", "", "is required with To: the API takes both times or neither")
	case q.From.After(q.To):
		return invalid.Field("LogQuery.From", wire.FormatIBM(q.From), "is after To ("+wire.FormatIBM(q.To)+")")
	}
	return nil
}

// logParams is the query string of GET /logs/connection: a zero time,
// limit or offset is left out.
type logParams struct {
	TypeID   string       `url:"typeId"`
	DeviceID string       `url:"deviceId"`
	From     wire.IBMTime `url:"fromTime"`
	To       wire.IBMTime `url:"toTime"`
	Limit    int          `url:"limit,omitempty"`
	Offset   int          `url:"offset,omitempty"` // the API's offset is 1 to 1000: the first page sends none
}

// LogEntry is one event of a device's connection log: a connect, a failed
// attempt, or a disconnect.
type LogEntry struct {
	Time    time.Time // "timestamp", in UTC; zero if not reported
	Message string    // "message"
}

// ConnectionLogs returns an iterator over the connection log of the device
// typeID/deviceID (GET /logs/connection), newest first. With a limit it
// pages by skip count; a log that goes on past MaxLogOffset ends with an
// error matching pagination.ErrOffsetLimit. It stops fetching when the loop
// breaks and ends after yielding an error once. Bad input is yielded as a
// *iotclient.ValidationError before any request; an unknown device is an
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
	base := logParams{TypeID: typeID, DeviceID: deviceID, From: wire.IBMTime(q.From), To: wire.IBMTime(q.To), Limit: q.Limit}
	return func(yield func(LogEntry, error) bool) {
		for offset := 0; ; offset += q.Limit {
			if offset > MaxLogOffset {
				yield(LogEntry{}, fmt.Errorf("%w (offset %d > %d)", pagination.ErrOffsetLimit, offset, MaxLogOffset))
				return
			}
			p := base
			p.Offset = offset
			var out []wireLogEntry
			if _, err := c.do(ctx, "GET", "/logs/connection", &p, nil, &out); err != nil {
				yield(LogEntry{}, err)
				return
			}
			for _, w := range out {
				if !yield(LogEntry{Time: w.Timestamp.Time(), Message: w.Message}, nil) {
					return
				}
			}
			// A server that ignored the limit sent the whole log at once.
			if q.Limit == 0 || len(out) != q.Limit {
				return
			}
		}
	}
}
