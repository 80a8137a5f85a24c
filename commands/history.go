package commands

import (
	"cmp"
	"context"
	"iter"
	"strconv"
	"time"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/pagination"
)

// Limits of the history and queue queries, from the IoTDA API.
const (
	MaxPageSize     = 50  // records per page
	MaxOffset       = 500 // records skipped after a marker
	DefaultPageSize = 50  // the SDK's page size when PageSize is 0
)

// HistoryQuery filters and positions a command-history query. The zero value
// asks for every command, newest first.
type HistoryQuery struct {
	// Status keeps only commands in this status.
	Status Status
	// CommandName keeps only commands with exactly this name.
	CommandName string
	// Since and Until keep commands created (issued to the platform: IoTDA's
	// start_time and end_time) from Since to Until, both included; either
	// may be zero. They are sent in UTC, to the second.
	Since, Until time.Time
	// PageSize is the number of records a request asks for, 1 to 50; zero
	// means 50, the fewest round trips (the platform's own default is 10).
	PageSize int
	// Marker resumes after the record with this ID: pass the Next of a
	// previous HistoryPage. Empty starts from the newest record.
	Marker string
	// Offset skips that many records (0 to 500) after Marker. History
	// applies it to the first request only.
	Offset int
}

// validate checks q; typ names the query type in an error.
func (q *HistoryQuery) validate(typ string) error {
	switch {
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		return invalid.Field(typ+".PageSize", strconv.Itoa(q.PageSize), "must be between 1 and 50 (0 means 50)")
	case q.Offset < 0 || q.Offset > MaxOffset:
		return invalid.Field(typ+".Offset", strconv.Itoa(q.Offset), "must be between 0 and 500")
	case q.Status != "" && !q.Status.Known():
		return invalid.Field(typ+".Status", string(q.Status), "is not one of PENDING, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT, EXPIRED")
	case len(q.CommandName) > MaxCommandNameLength:
		return invalid.Field(typ+".CommandName", q.CommandName, "is longer than 128 characters")
	case !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until):
		return invalid.Field(typ+".Since", q.Since.UTC().Format(time.RFC3339), "is after Until ("+q.Until.UTC().Format(time.RFC3339)+")")
	case q.Marker != "":
		return iotda.CheckID(typ+".Marker", q.Marker, 128)
	}
	return nil
}

// HistoryPage fetches one page of the command history of deviceID. The
// page's Next resumes after it (set it as q.Marker, with Offset 0); it is
// empty after the last page. The history has no total: see Count.
func (c *Client) HistoryPage(ctx context.Context, deviceID string, q HistoryQuery) (pagination.Page[Command], error) {
	return c.history(deviceID, q).Page(ctx)
}

// History returns an iterator over the command history of deviceID, newest
// first, across every page. It fetches a page at a time, stops fetching as
// soon as the loop breaks, and ends after yielding an error once. Ranging
// over it again starts again from q.Marker and q.Offset. Invalid input is
// yielded as a *iotclient.ValidationError before any request is sent.
//
// History records carry no Params or Result: the platform's history API
// does not return a command's paras or result, so both are always empty
// here (as in HistoryPage, Export and FleetHistory). Get returns one
// command with them.
func (c *Client) History(ctx context.Context, deviceID string, q HistoryQuery) iter.Seq2[Command, error] {
	return c.history(deviceID, q).All(ctx)
}

// The paths of the two command listings, after the device's.
const (
	historyPath = "/async-commands-history"
	queuePath   = "/async-commands"
)

func (c *Client) history(deviceID string, q HistoryQuery) *core.Listing[Command] {
	return c.commandListing(deviceID, historyPath, "HistoryQuery", q)
}

// commandListing is one device's command listing, the history or the
// queue: both take the same query (typ names it in an error), and their
// pages have the same shape.
func (c *Client) commandListing(deviceID, path, typ string, q HistoryQuery) *core.Listing[Command] {
	page := c.commandPage(deviceID, path, &q)
	return &core.Listing[Command]{
		Client: c.core,
		Check: func() error {
			if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
				return err
			}
			return q.validate(typ)
		},
		Start: q.Marker,
		Fetch: iotda.AfterMarker(q.Offset, page),
	}
}

// commandPage is the page call of a command listing at a marker and an
// offset after it.
func (c *Client) commandPage(deviceID, path string, q *HistoryQuery) pagination.WindowFetch[Command] {
	size := cmp.Or(q.PageSize, DefaultPageSize)
	return func(ctx context.Context, marker string, offset int) (pagination.Page[Command], error) {
		recs := wireRecords.Get(size)
		defer wireRecords.Put(recs)
		out := wireList{Commands: *recs}
		requestID, err := c.do(ctx, "GET", deviceID, path, q.params(marker, offset, size), nil, &out)
		*recs = out.Commands
		if err != nil {
			return pagination.Page[Command]{}, err
		}
		return pageFrom(&out, size, requestID)
	}
}

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
	if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
		return 0, err
	}
	hq := HistoryQuery{Status: q.Status, CommandName: q.CommandName, Since: q.Since, Until: q.Until}
	if err := hq.validate("CountQuery"); err != nil {
		return 0, err
	}
	var out wireCount
	requestID, err := c.do(ctx, "POST", deviceID, "/async-commands-history/count", hq.params("", 0, 0), nil, &out)
	if err != nil {
		return 0, err
	}
	n, err := iotda.Count(out.Count, "commands", requestID)
	return n, c.core.Scrub(err)
}
