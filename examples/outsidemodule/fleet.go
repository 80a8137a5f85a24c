// Package outsidemodule is a user's program in a module of its own: it shows
// that code outside iotclient-go can test itself against the SDK's fakes
// using only the public test helpers (commandstest, clientstatetest).
package outsidemodule

import (
	"context"
	"time"

	"github.com/iotclient/iotclient-go/commands"
)

// FailedCommands is the kind of function a user writes and wants to test:
// it counts a device's failed commands.
func FailedCommands(ctx context.Context, c *commands.Client, deviceID string) (int, error) {
	n := 0
	for _, err := range c.History(ctx, deviceID, commands.HistoryQuery{Status: commands.StatusFailed}) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RecentCommands returns a device's commands created since a time, newest
// first: the README's filter, HistoryQuery{Since: ...}.
func RecentCommands(ctx context.Context, c *commands.Client, deviceID string, since time.Time) ([]commands.Command, error) {
	var out []commands.Command
	for cmd, err := range c.History(ctx, deviceID, commands.HistoryQuery{Since: since}) {
		if err != nil {
			return out, err
		}
		out = append(out, cmd)
	}
	return out, nil
}
