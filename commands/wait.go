package commands

import (
	"context"
	"fmt"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
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
	// read up to PollMax. Zero means the default: DefaultPollInitial (1s,
	// or PollMax if shorter) and DefaultPollMax (30s, or PollInitial if
	// longer). A negative value, or PollInitial > PollMax, is refused with
	// a *iotclient.ValidationError before any request.
	PollInitial, PollMax time.Duration
	// OnStatus, when set, is called with the command each time Wait sees it
	// in a status other than the one it saw before (the first read
	// included), for progress reports. It runs on Wait's goroutine; Wait
	// resumes when it returns.
	OnStatus func(Command)
}

// intervals returns the polling intervals, defaults applied, or the
// validation error.
func (o *WaitOptions) intervals() (initial, longest time.Duration, err error) {
	initial, longest = o.PollInitial, o.PollMax
	if initial == 0 {
		initial = DefaultPollInitial
		if longest > 0 {
			initial = min(initial, longest)
		}
	}
	if longest == 0 {
		longest = max(DefaultPollMax, initial)
	}
	if initial < 0 || longest < initial {
		return 0, 0, iotclient.NewValidationError("WaitOptions.PollInitial", o.PollInitial.String()+".."+o.PollMax.String(), "needs 0 < PollInitial <= PollMax")
	}
	return initial, longest, nil
}

// Wait polls the command with Get until its status is terminal (SUCCESSFUL,
// FAILED, TIMEOUT or EXPIRED: see Status.IsTerminal) and returns it, with
// Params and Result.
//
// It reads at once, then waits 1s, 2s, 4s, ... up to 30s between reads
// (opts.PollInitial and opts.PollMax change both). Each read is retried on transient
// failures like any Get; an error that remains (a 404, a refused
// credential) ends Wait with that error. When ctx ends first, Wait returns
// the last command it read (zero if none) and an error wrapping ctx's error
// that names the status the command was left in, so errors.Is(err,
// context.DeadlineExceeded) holds. Give ctx a deadline: a command delivered
// with SendDelay to a device that never reports stays PENDING until it
// expires, up to 48 hours later.
func (c *Client) Wait(ctx context.Context, deviceID, commandID string, opts WaitOptions) (Command, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := checkID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	interval, maxInterval, err := opts.intervals()
	if err != nil {
		return Command{}, err
	}
	var last Command
	for {
		cmd, err := c.Get(ctx, deviceID, commandID)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return last, waitEnded(deviceID, commandID, &last, ctxErr)
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
			return last, waitEnded(deviceID, commandID, &last, ctx.Err())
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
