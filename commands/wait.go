package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
)

// Default polling of Wait.
const (
	DefaultPollInitial = time.Second      // first wait between two reads
	DefaultPollMax     = 30 * time.Second // longest wait between two reads
)

// WaitOptions changes how Wait polls. The zero value polls with the
// defaults and reports nothing.
type WaitOptions struct {
	// PollInitial is the wait after the first read, doubled after each
	// read up to PollMax. Zero means DefaultPollInitial (or PollMax if
	// shorter) and DefaultPollMax (or PollInitial if longer). A negative
	// value, or PollInitial > PollMax, is a *iotclient.ValidationError.
	PollInitial, PollMax time.Duration
	// OnStatus, when set, is called on Wait's goroutine each time Wait sees
	// the command in a new status (the first read included).
	OnStatus func(Command)
	// Watcher, when set, resolves the wait from pushed status updates (see
	// Watcher): Wait sends no request at once, returns when the final
	// status is pushed (or was pushed recently), and reads the command
	// only every PollMax, or after PollInitial when the watcher's stream
	// reports an error or ends. A command resolved by a push holds what the
	// push carries (ID, Status, the times, Result) and, only if Wait read
	// the command before, its other fields.
	Watcher *Watcher
}

// intervals returns the first and the longest wait between two reads.
func (o *WaitOptions) intervals() (time.Duration, time.Duration, error) {
	interval, maxInterval := o.PollInitial, o.PollMax
	if interval == 0 {
		interval = DefaultPollInitial
		if maxInterval > 0 {
			interval = min(interval, maxInterval)
		}
	}
	if maxInterval == 0 {
		maxInterval = max(DefaultPollMax, interval)
	}
	if interval < 0 || maxInterval < interval {
		return 0, 0, invalid.Field("WaitOptions.PollInitial", o.PollInitial.String()+".."+o.PollMax.String(), "needs 0 < PollInitial <= PollMax")
	}
	return interval, maxInterval, nil
}

// Wait polls the command with Get until its status is terminal (see
// Status.IsTerminal) and returns it. It reads at once, then waits 1s, 2s,
// 4s, ... up to 30s between reads (see WaitOptions); with
// WaitOptions.Watcher, it learns the outcome from pushes instead and polls
// only as the fallback. An error Get returns
// ends Wait. When ctx ends first, Wait returns the last command read (zero
// if none) and an error wrapping ctx's error that names its status. Give
// ctx a deadline: a delayed command to a device that never reports stays
// PENDING up to 48 hours.
func (c *Client) Wait(ctx context.Context, deviceID, commandID string, opts WaitOptions) (Command, error) {
	if err := iotda.CheckID("deviceID", deviceID, iotda.MaxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := iotda.CheckID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	interval, maxInterval, err := opts.intervals()
	if err != nil {
		return Command{}, err
	}
	return c.wait(ctx, deviceID, commandID, interval, maxInterval, &opts)
}

// wait is Wait once its arguments are checked.
func (c *Client) wait(ctx context.Context, deviceID, commandID string, interval, maxInterval time.Duration, opts *WaitOptions) (Command, error) {
	if opts.Watcher != nil {
		return c.waitPushed(ctx, opts.Watcher, deviceID, commandID, interval, maxInterval, opts.OnStatus)
	}
	var last Command
	for {
		cmd, err := c.Get(ctx, deviceID, commandID)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return last, c.core.Scrub(waitEnded(deviceID, commandID, &last, ctxErr))
			}
			return last, err
		}
		if opts.OnStatus != nil && (last.ID == "" || cmd.Status != last.Status) {
			opts.OnStatus(cmd)
		}
		last = cmd
		if cmd.Status.IsTerminal() {
			return cmd, nil
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return last, c.core.Scrub(waitEnded(deviceID, commandID, &last, ctx.Err()))
		case <-t.C:
		}
		interval = min(2*interval, maxInterval)
	}
}

func waitEnded(deviceID, commandID string, last *Command, err error) error {
	if last.ID == "" {
		return fmt.Errorf("commands: waiting for command %s of device %s: not read before the context ended: %w", commandID, deviceID, err)
	}
	return fmt.Errorf("commands: waiting for command %s of device %s: still %s when the context ended: %w", commandID, deviceID, last.Status, err)
}
