package notify

import (
	"errors"
	"iter"

	"github.com/iotclient/iotclient-go/commands"
)

// CommandUpdate returns the command state a device.command.status
// notification carries, as commands.Watcher takes it: ID, Status, the
// times and Result, and DeviceID from the header; false for any other
// notification.
func (n *Notification) CommandUpdate() (commands.Command, bool) {
	c := n.Command
	if c == nil {
		return commands.Command{}, false
	}
	return commands.Command{
		ID: c.CommandID, DeviceID: n.Header.DeviceID, Status: c.Status,
		CreatedAt: c.CreatedAt, SentAt: c.SentAt, DeliveredAt: c.DeliveredAt, RespondedAt: c.RespondedAt,
		Result: c.Result,
	}, true
}

// CommandUpdates turns a stream of notifications into the stream of
// command updates commands.Watcher.Run takes:
//
//	go w.Run(notify.CommandUpdates(handler.Notifications(ctx)))
//
// It yields the update of each device.command.status notification and
// skips the other resources. It passes on the errors that may hide a
// command's status, so that the watcher's waits read their command: a
// loss (ErrLost), a document whose resource is unknown or is
// device.command.status, and an error that ends the stream. Breaking the
// loop breaks the stream's.
func CommandUpdates(stream iter.Seq2[Notification, error]) iter.Seq2[commands.Command, error] {
	return func(yield func(commands.Command, error) bool) {
		for n, err := range stream {
			if err != nil {
				var de *DocumentError
				if errors.As(err, &de) && de.Resource != "" && de.Resource != ResourceCommandStatus {
					continue
				}
				if !yield(commands.Command{}, err) {
					return
				}
				continue
			}
			if c, ok := n.CommandUpdate(); ok && !yield(c, nil) {
				return
			}
		}
	}
}
