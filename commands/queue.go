package commands

import (
	"context"
	"iter"

	"github.com/iotclient/iotclient-go/pagination"
)

// QueueQuery filters and positions a query of the commands a device has
// waiting on the platform. Its members mean what HistoryQuery's do.
type QueueQuery HistoryQuery

// QueuePage fetches one page of the commands still cached on the platform
// for deviceID (GET .../async-commands): PENDING, SENT, or DELIVERED and
// awaiting the device's answer; final ones are in History. The page carries
// the platform's Total of matching queued commands when it sent one.
func (c *Client) QueuePage(ctx context.Context, deviceID string, q QueueQuery) (pagination.Page[Command], error) {
	return c.queue(deviceID, q).first(ctx)
}

// Queue returns an iterator over the commands still cached on the platform
// for deviceID, newest first, across every page; see QueuePage. It behaves
// as History does.
func (c *Client) Queue(ctx context.Context, deviceID string, q QueueQuery) iter.Seq2[Command, error] {
	return c.queue(deviceID, q).all(ctx)
}

func (c *Client) queue(deviceID string, q QueueQuery) *listing {
	return &listing{c: c, deviceID: deviceID, path: "/async-commands", typ: "QueueQuery", q: HistoryQuery(q)}
}
