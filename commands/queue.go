package commands

import (
	"context"
	"iter"

	"github.com/iotclient/iotclient-go/pagination"
)

// QueueQuery filters and positions a query of the commands a device has
// waiting on the platform. Its members mean what HistoryQuery's do (the
// platform takes the same parameters for both listings); the queue holds
// PENDING, SENT and DELIVERED commands.
type QueueQuery HistoryQuery

// QueuePage fetches one page of the commands still cached on the platform
// for deviceID (GET .../async-commands): PENDING (delivered with SendDelay
// and not yet sent), SENT, or DELIVERED and awaiting the device's answer;
// those that reached a final status are found with History. The page
// carries the platform's Total of queued commands that match the filters
// (HasTotal is false when the platform sent none).
func (c *Client) QueuePage(ctx context.Context, deviceID string, q QueueQuery) (pagination.Page[Command], error) {
	l := c.queue(deviceID, q)
	if err := l.check(); err != nil {
		return pagination.Page[Command]{}, err
	}
	return l.page(ctx, q.Marker, q.Offset)
}

// Queue returns an iterator over the commands still cached on the platform
// for deviceID, newest first, across every page; see QueuePage. It behaves
// as History does: a page at a time, stopping when the loop breaks, an error
// yielded once to end it, input validated before any request, and ranging
// again starting again.
func (c *Client) Queue(ctx context.Context, deviceID string, q QueueQuery) iter.Seq2[Command, error] {
	return c.queue(deviceID, q).all(ctx)
}

func (c *Client) queue(deviceID string, q QueueQuery) *listing {
	return &listing{c: c, deviceID: deviceID, path: "/async-commands", typ: "QueueQuery", q: HistoryQuery(q)}
}
