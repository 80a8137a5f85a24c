package commands

import (
	"context"
	"iter"
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
	return c.walk(ctx, deviceID, q, func(ctx context.Context, q *HistoryQuery, marker string, offset int) (HistoryPage, error) {
		p, err := c.queuePage(ctx, deviceID, q, marker, offset)
		return HistoryPage{Commands: p.Commands, Marker: p.Marker, RequestID: p.RequestID}, err
	})
}

func (c *Client) queuePage(ctx context.Context, deviceID string, q *HistoryQuery, marker string, offset int) (QueuePage, error) {
	hp, page, err := c.listPage(ctx, deviceID, "/async-commands", q, marker, offset)
	if err != nil {
		return QueuePage{}, err
	}
	qp := QueuePage{Commands: hp.Commands, Marker: hp.Marker, Total: -1, RequestID: hp.RequestID}
	if page != nil && page.Count != nil {
		qp.Total = *page.Count
	}
	return qp, nil
}
