package commands

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
)

// Limits of FleetOptions.Concurrency.
const (
	DefaultFleetConcurrency = 8
	MaxFleetConcurrency     = 64
)

// FleetOptions tunes FleetHistory.
type FleetOptions struct {
	// Concurrency is how many devices' histories are fetched at once, 1 to
	// 64; 0 means 8. The client's rate limit (iotclient.WithRateLimit)
	// applies whatever the concurrency.
	Concurrency int
	// StopOnError ends the iteration after the first device's failure. By
	// default the other devices go on.
	StopOnError bool
}

// DeviceError is the failure of one device in a fleet-wide call; Unwrap
// returns what went wrong (an *iotclient.APIError, ...).
type DeviceError struct {
	DeviceID string
	Err      error
}

// Error names the device and its failure.
func (e *DeviceError) Error() string { return "commands: device " + e.DeviceID + ": " + e.Err.Error() }

// Unwrap returns the device's error.
func (e *DeviceError) Unwrap() error { return e.Err }

// fleetItem is one record or one device's failure on its way to the caller.
type fleetItem struct {
	cmd Command
	err error
}

// FleetHistory returns an iterator over the command histories of many
// devices (q applies to each), fetched with bounded concurrency and started
// in the order given. Each device's records come newest first, with
// DeviceID set; devices interleave as they arrive.
//
// A device that fails is yielded once as a *DeviceError and its remaining
// records skipped; the others go on unless opts.StopOnError is set, so the
// iterator may yield one error per failed device. When ctx ends, its error
// is yielded once. Breaking the loop cancels the requests in flight and
// returns once every goroutine has ended. Invalid input (device IDs each
// valid and not repeated, q, opts) is yielded as a
// *iotclient.ValidationError before any request.
func (c *Client) FleetHistory(ctx context.Context, deviceIDs []string, q HistoryQuery, opts FleetOptions) iter.Seq2[Command, error] {
	ids, conc, err := checkFleet(deviceIDs, &q, opts)
	if err != nil {
		return core.Fail[Command](err)
	}
	return fanIn(ctx, conc, len(ids), opts.StopOnError, func(ctx context.Context, i int, out chan<- fleetItem) bool {
		return c.fleetDevice(ctx, ids[i], &q, out)
	})
}

// fleetDevice sends one device's records, or its failure, to out; false
// when ctx ended first.
func (c *Client) fleetDevice(ctx context.Context, deviceID string, q *HistoryQuery, out chan<- fleetItem) bool {
	for cmd, err := range c.History(ctx, deviceID, *q) {
		it := fleetItem{cmd: cmd}
		switch {
		case err != nil && ctx.Err() != nil:
			return false
		case err != nil:
			it = fleetItem{err: &DeviceError{DeviceID: deviceID, Err: err}} // History scrubbed it
		case cmd.DeviceID == "":
			it.cmd.DeviceID = deviceID
		case cmd.DeviceID != deviceID:
			it = fleetItem{err: &DeviceError{DeviceID: deviceID, Err: c.core.Scrub(fmt.Errorf(
				"%w: the history of device %q holds command %s of device %q",
				iotclient.ErrMalformedResponse, deviceID, cmd.ID, cmd.DeviceID))}}
		}
		select {
		case out <- it:
		case <-ctx.Done():
			return false
		}
		if it.err != nil {
			return true // the device's remaining records are skipped
		}
	}
	return true
}

// checkFleet returns a private copy of the device IDs and the concurrency.
func checkFleet(deviceIDs []string, q *HistoryQuery, opts FleetOptions) ([]string, int, error) {
	if opts.Concurrency < 0 || opts.Concurrency > MaxFleetConcurrency {
		return nil, 0, invalid.Field("FleetOptions.Concurrency", strconv.Itoa(opts.Concurrency), "must be between 1 and 64 (0 means 8)")
	}
	seen := make(map[string]int, len(deviceIDs))
	for i, id := range deviceIDs {
		field := "deviceIDs[" + strconv.Itoa(i) + "]"
		if err := iotda.CheckID(field, id, iotda.MaxDeviceIDLength); err != nil {
			return nil, 0, err
		}
		if j, dup := seen[id]; dup {
			return nil, 0, invalid.Field(field, id, "repeats deviceIDs["+strconv.Itoa(j)+"]")
		}
		seen[id] = i
	}
	if err := q.validate("HistoryQuery"); err != nil {
		return nil, 0, err
	}
	conc := cmp.Or(opts.Concurrency, DefaultFleetConcurrency)
	return slices.Clone(deviceIDs), min(conc, max(len(deviceIDs), 1)), nil
}
