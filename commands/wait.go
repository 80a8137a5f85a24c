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

// WaitOption changes how Wait polls.
type WaitOption func(*waitConfig)

type waitConfig struct {
	initial, max time.Duration
	onStatus     func(Command)
	err          error
}

// WithPollInterval makes Wait wait initial after its first read, doubling
// the wait after each read up to max (defaults 1s and 30s). It needs
// 0 < initial <= max; otherwise Wait returns a *iotclient.ValidationError
// before any request.
func WithPollInterval(initial, max time.Duration) WaitOption {
	return func(w *waitConfig) {
		if initial <= 0 || max < initial {
			w.err = iotclient.NewValidationError("WithPollInterval", initial.String()+".."+max.String(), "needs 0 < initial <= max")
			return
		}
		w.initial, w.max = initial, max
	}
}

// OnStatus calls f with the command each time Wait sees it in a status other
// than the one it saw before (the first read included), for progress
// reports. f runs on Wait's goroutine; Wait resumes when f returns.
func OnStatus(f func(Command)) WaitOption {
	return func(w *waitConfig) { w.onStatus = f }
}

// Wait polls the command with Get until its status is terminal (SUCCESSFUL,
// FAILED, TIMEOUT or EXPIRED: see Status.IsTerminal) and returns it, with
// Params and Result.
//
// It reads at once, then waits 1s, 2s, 4s, ... up to 30s between reads
// (WithPollInterval changes both). Each read is retried on transient
// failures like any Get; an error that remains (a 404, a refused
// credential) ends Wait with that error. When ctx ends first, Wait returns
// the last command it read (zero if none) and an error wrapping ctx's error
// that names the status the command was left in, so errors.Is(err,
// context.DeadlineExceeded) holds. Give ctx a deadline: a command delivered
// with SendDelay to a device that never reports stays PENDING until it
// expires, up to 48 hours later.
func (c *Client) Wait(ctx context.Context, deviceID, commandID string, opts ...WaitOption) (Command, error) {
	if err := checkID("deviceID", deviceID, maxDeviceIDLength); err != nil {
		return Command{}, err
	}
	if err := checkID("commandID", commandID, MaxCommandIDLength); err != nil {
		return Command{}, err
	}
	cfg := waitConfig{initial: DefaultPollInitial, max: DefaultPollMax}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.err != nil {
		return Command{}, cfg.err
	}
	var last Command
	interval := cfg.initial
	for {
		cmd, err := c.Get(ctx, deviceID, commandID)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return last, waitEnded(deviceID, commandID, &last, ctxErr)
			}
			return last, err
		}
		if cfg.onStatus != nil && (last.ID == "" || cmd.Status != last.Status) {
			cfg.onStatus(cmd)
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
		interval = min(2*interval, cfg.max)
	}
}

func waitEnded(deviceID, commandID string, last *Command, err error) error {
	if last.ID == "" {
		return fmt.Errorf("commands: waiting for command %s of device %s: not read before the context ended: %w", commandID, deviceID, err)
	}
	return fmt.Errorf("commands: waiting for command %s of device %s: still %s when the context ended: %w", commandID, deviceID, last.Status, err)
}
