package commands

import (
	"context"
	"iter"
	"time"

	"github.com/iotclient/iotclient-go/pagination"
)

// QueueQuery filters and positions a query of the commands a device has
// waiting on the platform. Its members mean what HistoryQuery's do (the
// platform takes the same parameters for both listings).
type QueueQuery struct {
	// Status keeps only commands in this status (the queue holds PENDING,
	// SENT and DELIVERED commands).
	Status Status
	// CommandName keeps only commands with exactly this name.
	CommandName string
	// Since and Until keep commands delivered after Since and before Until
	// (either may be zero), sent in UTC to the second.
	Since, Until time.Time
	// PageSize is the number of records a request asks for, 1 to 50; zero
	// means 50.
	PageSize int
	// Marker resumes after the record with this ID: pass the Next of a
	// previous QueuePage. Empty starts from the newest record.
	Marker string
	// Offset skips that many records (0 to 500) after Marker. Queue
	// applies it to the first request only.
	Offset int
}

// QueuePage fetches one page of the commands still cached on the platform
// for deviceID (GET .../async-commands): PENDING (delivered with SendDelay
// and not yet sent), SENT, or DELIVERED and awaiting the device's answer;
// those that reached a final status are found with History. The page carries the platform's Total of queued commands that
// match the filters (HasTotal is false when the platform sent none).
func (c *Client) QueuePage(ctx context.Context, deviceID string, q QueueQuery) (pagination.Page[Command], error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return pagination.Page[Command]{}, err
	}
	hq := HistoryQuery(q)
	if err := hq.validate("QueueQuery"); err != nil {
		return pagination.Page[Command]{}, err
	}
	return c.queuePage(ctx, deviceID, &hq, hq.Marker, hq.Offset)
}

// Queue returns an iterator over the commands still cached on the platform
// for deviceID, newest first, across every page; see QueuePage. It behaves
// as History does: a page at a time, stopping when the loop breaks, an error
// yielded once to end it, input validated before any request, and ranging
// again starting again.
func (c *Client) Queue(ctx context.Context, deviceID string, q QueueQuery) iter.Seq2[Command, error] {
	return c.walk(ctx, deviceID, HistoryQuery(q), "QueueQuery", c.queuePage)
}

func (c *Client) queuePage(ctx context.Context, deviceID string, q *HistoryQuery, marker string, offset int) (pagination.Page[Command], error) {
	return c.listPage(ctx, deviceID, "/async-commands", q, marker, offset)
}
