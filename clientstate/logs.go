package clientstate

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/iotclient/iotclient-go/internal/core"
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

// LogEntry is one event of a device's connection log: a connect, a failed
// attempt, or a disconnect.
type LogEntry struct {
	Time    time.Time // "timestamp", in UTC; zero if not reported
	Message string    // "message"
}

// ConnectionLogs returns an iterator over the connection log of the device
// typeID/deviceID (GET /logs/connection), newest first. With a limit it
// pages by skip count (pagination.Windows); a log that goes on past
// MaxLogOffset ends with an error matching pagination.ErrOffsetLimit. It
// stops fetching when the loop breaks and ends after yielding an error
// once. Bad input is yielded as a *iotclient.ValidationError before any
// request; an unknown device is an *iotclient.APIError matching
// iotclient.ErrNotFound.
func (c *Client) ConnectionLogs(ctx context.Context, typeID, deviceID string, q LogQuery) iter.Seq2[LogEntry, error] {
	err := checkPart("typeID", typeID)
	if err == nil {
		err = checkPart("deviceID", deviceID)
	}
	if err == nil {
		err = q.validate()
	}
	if err != nil {
		return core.Fail[LogEntry](err)
	}
	params := logParams{TypeID: typeID, DeviceID: deviceID, From: wire.IBMTime(q.From), To: wire.IBMTime(q.To), Limit: q.Limit}
	// Without a limit, one answer is the whole log: no page is full.
	w := pagination.Window{PageSize: cmp.Or(q.Limit, math.MaxInt), MaxOffset: MaxLogOffset}
	return core.ScrubSeq(c.core, pagination.Windows(ctx, "", 0, w, func(ctx context.Context, _ string, offset int) (pagination.Page[LogEntry], error) {
		return c.logsPage(ctx, params, offset)
	}))
}

// logsPage is the page call of the connection log: the entries offset
// entries into the log.
func (c *Client) logsPage(ctx context.Context, params logParams, offset int) (pagination.Page[LogEntry], error) {
	params.Offset = offset
	var out []wireLogEntry
	requestID, err := c.do(ctx, "GET", "/logs/connection", &params, nil, &out)
	if err != nil {
		return pagination.Page[LogEntry]{}, err
	}
	p := pagination.Page[LogEntry]{Items: make([]LogEntry, len(out)), RequestID: requestID}
	for i := range out {
		p.Items[i] = out[i].entry()
	}
	return p, nil
}
