package commands

import (
	"context"
	"iter"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/iotda"
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
	return c.queue(deviceID, q).Page(ctx)
}

// Queue returns an iterator over the commands still cached on the platform
// for deviceID, newest first, across every page; see QueuePage. It behaves
// as History does.
func (c *Client) Queue(ctx context.Context, deviceID string, q QueueQuery) iter.Seq2[Command, error] {
	return c.queue(deviceID, q).All(ctx)
}

func (c *Client) queue(deviceID string, q QueueQuery) *core.Listing[Command] {
	return c.commandListing(deviceID, queuePath, "QueueQuery", HistoryQuery(q))
}

// Get reads one command of deviceID, with its Params and the device's
// Result (raw JSON; empty until the device answers). A command or device
// that does not exist is an *iotclient.APIError matching
// iotclient.ErrNotFound. Bad IDs are refused before any request.
func (c *Client) Get(ctx context.Context, deviceID, commandID string) (Command, error) {
	if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := iotda.CheckID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	var out wireCommand
	requestID, err := c.do(ctx, "GET", deviceID, "/async-commands/"+commandID, nil, nil, &out)
	if err != nil {
		return Command{}, err
	}
	cmd, err := commandFrom(&out, commandID, requestID)
	return cmd, c.core.Scrub(err)
}
