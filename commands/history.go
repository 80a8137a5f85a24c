package commands

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/google/go-querystring/query"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the history query, from the IoTDA API.
const (
	MaxPageSize     = 50  // records per page
	MaxOffset       = 500 // records skipped after a marker
	DefaultPageSize = 50  // the SDK's page size when HistoryQuery.PageSize is 0
)

// HistoryQuery filters and positions a command-history query. The zero value
// asks for every command, newest first.
type HistoryQuery struct {
	// Status keeps only commands in this status.
	Status Status
	// CommandName keeps only commands with exactly this name.
	CommandName string
	// Since and Until keep commands delivered after Since and before Until
	// (either may be zero). Times in any zone are sent in UTC, to the second.
	Since, Until time.Time
	// PageSize is the number of records a request asks for, 1 to 50. Zero
	// means 50, the largest page, so a full history takes the fewest round
	// trips (the platform's own default is 10).
	PageSize int
	// Marker resumes after the record with this ID: pass the Marker of a
	// previous HistoryPage. Empty starts from the newest record.
	Marker string
	// Offset skips that many records (0 to 500) after Marker. History
	// applies it to the first request only.
	Offset int
}

func (q *HistoryQuery) validate() error {
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return iotclient.NewValidationError("HistoryQuery.PageSize", strconv.Itoa(q.PageSize), "must be between 1 and 50 (0 means 50)")
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return iotclient.NewValidationError("HistoryQuery.Offset", strconv.Itoa(q.Offset), "must be between 0 and 500")
	}
	if q.Status != "" && !q.Status.Known() {
		return iotclient.NewValidationError("HistoryQuery.Status", string(q.Status), "is not one of PENDING, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT, EXPIRED")
	}
	if len(q.CommandName) > 128 {
		return iotclient.NewValidationError("HistoryQuery.CommandName", q.CommandName, "is longer than 128 characters")
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return iotclient.NewValidationError("HistoryQuery.Since", q.Since.UTC().Format(time.RFC3339), "is after Until ("+q.Until.UTC().Format(time.RFC3339)+")")
	}
	if q.Marker != "" {
		if err := checkID("HistoryQuery.Marker", q.Marker, 128); err != nil {
			return err
		}
	}
	return nil
}

func (q *HistoryQuery) pageSize() int {
	if q.PageSize == 0 {
		return DefaultPageSize
	}
	return q.PageSize
}

// historyParams is the history query as IoTDA spells it; go-querystring
// encodes it, and wire.CompactTime sends a time in any zone in UTC in the
// compact format (leaving out a zero time).
type historyParams struct {
	CommandName string           `url:"command_name,omitempty"`
	EndTime     wire.CompactTime `url:"end_time"`
	Limit       int              `url:"limit,omitempty"`
	Marker      string           `url:"marker,omitempty"`
	Offset      int              `url:"offset,omitempty"`
	StartTime   wire.CompactTime `url:"start_time"`
	Status      Status           `url:"status,omitempty"`
}

// values renders the query parameters for the page at marker (limit 0
// leaves out the page size, as the count call wants). It is the reference
// encoding: rawQuery, the hot path's, is tested against it.
func (q *HistoryQuery) values(marker string, offset int) (url.Values, error) {
	return query.Values(historyParams{
		CommandName: q.CommandName, EndTime: wire.CompactTime(q.Until), Limit: q.pageSize(),
		Marker: marker, Offset: offset, StartTime: wire.CompactTime(q.Since), Status: q.Status,
	})
}

// rawQuery encodes the query parameters of the page at marker, as values
// would and url.Values.Encode would, in one allocation: keys in sorted
// order, which is also the order the AK/SK signature's canonical query
// needs.
func (q *HistoryQuery) rawQuery(marker string, offset int) string {
	var buf [256]byte
	b := buf[:0]
	sep := false
	add := func(key string) {
		if sep {
			b = append(b, '&')
		}
		sep = true
		b = append(b, key...)
		b = append(b, '=')
	}
	if q.CommandName != "" {
		add("command_name")
		b = append(b, url.QueryEscape(q.CommandName)...)
	}
	if !q.Until.IsZero() {
		add("end_time")
		b = q.Until.UTC().AppendFormat(b, wire.CompactLayout)
	}
	add("limit")
	b = strconv.AppendInt(b, int64(q.pageSize()), 10)
	if marker != "" {
		add("marker")
		b = append(b, url.QueryEscape(marker)...)
	}
	if offset > 0 {
		add("offset")
		b = strconv.AppendInt(b, int64(offset), 10)
	}
	if !q.Since.IsZero() {
		add("start_time")
		b = q.Since.UTC().AppendFormat(b, wire.CompactLayout)
	}
	if q.Status != "" {
		add("status")
		b = append(b, url.QueryEscape(string(q.Status))...)
	}
	return string(b)
}

// HistoryPage is one page of a device's command history.
type HistoryPage struct {
	// Commands are the page's records, newest first.
	Commands []Command
	// Marker resumes after this page: set it as HistoryQuery.Marker (with
	// Offset 0) to fetch the next page. It is empty when this page was the
	// last (shorter than the page size: IoTDA does not announce the end).
	Marker string
	// RequestID is the platform's ID of the request, for support cases.
	RequestID string
}

// HistoryPage fetches one page of the command history of deviceID.
func (c *Client) HistoryPage(ctx context.Context, deviceID string, q HistoryQuery) (HistoryPage, error) {
	if err := checkID("deviceID", deviceID, 128); err != nil {
		return HistoryPage{}, err
	}
	if err := q.validate(); err != nil {
		return HistoryPage{}, err
	}
	return c.historyPage(ctx, deviceID, &q, q.Marker, q.Offset)
}

// History returns an iterator over the command history of deviceID, newest
// first, across every page. It fetches a page at a time, stops fetching as
// soon as the loop breaks, and ends after yielding an error once. Ranging
// over it again starts again from q.Marker and q.Offset.
//
// Invalid input is yielded as a *iotclient.ValidationError before any
// request is sent.
func (c *Client) History(ctx context.Context, deviceID string, q HistoryQuery) iter.Seq2[Command, error] {
	return c.walk(ctx, deviceID, q, func(ctx context.Context, q *HistoryQuery, marker string, offset int) (HistoryPage, error) {
		return c.historyPage(ctx, deviceID, q, marker, offset)
	})
}

// walk iterates over every page of a command listing (history or queue):
// input validated first, q.Offset applied to the first request only, then
// markers followed to the end.
func (c *Client) walk(ctx context.Context, deviceID string, q HistoryQuery,
	page func(ctx context.Context, q *HistoryQuery, marker string, offset int) (HistoryPage, error)) iter.Seq2[Command, error] {
	err := checkID("deviceID", deviceID, maxDeviceIDLength)
	if err == nil {
		err = q.validate()
	}
	if err != nil {
		return func(yield func(Command, error) bool) { yield(Command{}, err) }
	}
	return pagination.Cursor(ctx, q.Marker, func(ctx context.Context, marker string, n int) (pagination.Page[Command], error) {
		offset := 0
		if n == 0 {
			offset = q.Offset
		}
		p, err := page(ctx, &q, marker, offset)
		return pagination.Page[Command]{Items: p.Commands, Next: p.Marker}, err
	})
}

func (c *Client) historyPage(ctx context.Context, deviceID string, q *HistoryQuery, marker string, offset int) (HistoryPage, error) {
	p, _, err := c.listPage(ctx, deviceID, "/async-commands-history", q, marker, offset)
	return p, err
}

// listPage fetches one page of a device's command listing at path suffix,
// returning the page and the platform's page object.
func (c *Client) listPage(ctx context.Context, deviceID, suffix string, q *HistoryQuery, marker string, offset int) (HistoryPage, *wirePage, error) {
	var out wireList
	info, err := c.core.Do(ctx, core.Request{
		Method:     "GET",
		Path:       c.devicePath(deviceID) + suffix,
		RawQuery:   q.rawQuery(marker, offset),
		Idempotent: true,
	}, &out)
	if err != nil {
		return HistoryPage{}, nil, err
	}
	p, err := pageFrom(&out, q.pageSize(), info.RequestID)
	return p, out.Page, err
}

// pageFrom converts a decoded list, checking what the platform promises: no
// more records than asked for, valid times.
func pageFrom(out *wireList, limit int, requestID string) (HistoryPage, error) {
	p := HistoryPage{RequestID: requestID}
	n := len(out.Commands)
	if out.fast {
		n = len(out.cmds)
	}
	if n > limit {
		return p, fmt.Errorf("%w: the platform returned %d commands for a page of %d (request ID %s)",
			iotclient.ErrMalformedResponse, n, limit, requestID)
	}
	if out.fast {
		if out.convErr != nil {
			return HistoryPage{}, fmt.Errorf("%w: %v (request ID %s)", iotclient.ErrMalformedResponse, out.convErr, requestID)
		}
		p.Commands = out.cmds
	} else {
		p.Commands = make([]Command, n)
		for i := range out.Commands {
			cmd, err := out.Commands[i].command()
			if err != nil {
				return HistoryPage{}, fmt.Errorf("%w: %v (request ID %s)", iotclient.ErrMalformedResponse, err, requestID)
			}
			p.Commands[i] = cmd
		}
	}
	if len(p.Commands) == limit {
		if out.Page != nil && out.Page.Marker != "" {
			p.Marker = out.Page.Marker
		} else {
			p.Marker = p.Commands[len(p.Commands)-1].ID
		}
	}
	return p, nil
}
