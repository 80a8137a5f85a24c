package commands

import (
	"context"
	"iter"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/pagination"
)

// QueuePage is one page of the commands a device has waiting on the
// platform.
type QueuePage struct {
	// Commands are the page's records, newest first.
	Commands []Command
	// Marker resumes after this page, as in HistoryPage; empty after the
	// last page.
	Marker string
	// Total is how many queued commands match the query's filters across
	// all pages, as the platform reports it (-1 when it reports none).
	Total int64
	// RequestID is the platform's ID of the request, for support cases.
	RequestID string
}

// QueuePage fetches one page of the commands still cached on the platform
// for deviceID (GET .../async-commands): delivered with SendDelay and not yet
// sent, or being sent; those that reached a final status are found with
// History. q filters and positions the page exactly as for HistoryPage.
func (c *Client) QueuePage(ctx context.Context, deviceID string, q HistoryQuery) (QueuePage, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return QueuePage{}, err
	}
	if err := q.validate(); err != nil {
		return QueuePage{}, err
	}
	return c.queuePage(ctx, deviceID, &q, q.Marker, q.Offset)
}

// Queue returns an iterator over the commands still cached on the platform
// for deviceID, newest first, across every page; see QueuePage. It behaves
// as History does: a page at a time, stopping when the loop breaks, an error
// yielded once to end it, input validated before any request, and ranging
// again starting again.
func (c *Client) Queue(ctx context.Context, deviceID string, q HistoryQuery) iter.Seq2[Command, error] {
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
		p, err := c.queuePage(ctx, deviceID, &q, marker, offset)
		return pagination.Page[Command]{Items: p.Commands, Next: p.Marker}, err
	})
}

func (c *Client) queuePage(ctx context.Context, deviceID string, q *HistoryQuery, marker string, offset int) (QueuePage, error) {
	var out wireList
	info, err := c.core.Do(ctx, core.Request{
		Method:     "GET",
		Path:       c.devicePath(deviceID) + "/async-commands",
		Query:      q.values(marker, offset),
		Idempotent: true,
	}, &out)
	if err != nil {
		return QueuePage{}, err
	}
	hp, err := pageFrom(&out, q.pageSize(), info.RequestID)
	if err != nil {
		return QueuePage{}, err
	}
	qp := QueuePage{Commands: hp.Commands, Marker: hp.Marker, Total: -1, RequestID: hp.RequestID}
	if out.Page != nil && out.Page.Count != nil {
		qp.Total = *out.Page.Count
	}
	return qp, nil
}
