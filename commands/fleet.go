package commands

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"sync/atomic"

	iotclient "github.com/iotclient/iotclient-go"
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
	// applies to every request whatever the concurrency, so a fleet-wide
	// job can be held under the platform's quota.
	Concurrency int
	// StopOnError ends the iteration at the first device that fails, after
	// yielding its error. By default the failure is yielded and the other
	// devices go on.
	StopOnError bool
}

// DeviceError is the failure of one device in a fleet-wide call: the device
// and what went wrong (an *iotclient.APIError, a validation error, ...),
// which errors.Is and errors.As reach through Unwrap.
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
// devices, fetched with bounded concurrency. Every record's DeviceID is the
// device it was fetched for.
//
// Each device's records come newest first, in the order History gives them;
// records of different devices interleave in whatever order they arrive.
// Devices are started in the order given.
//
// A device that fails (an unknown device is a 404, for instance) is yielded
// once as a *DeviceError naming it, and its remaining records are skipped;
// the other devices go on unless opts.StopOnError is set, in which case the
// iteration ends after that error. So without StopOnError the iterator may
// yield several errors, one per failed device.
//
// Breaking the loop cancels the requests in flight and returns only when
// every goroutine FleetHistory started has ended. When ctx ends, the
// iteration ends with ctx's error, yielded once. Each device's history is
// fetched at most once per ranging; ranging again starts again.
//
// The device IDs (each valid, none repeated), q (applied to every device,
// as for History) and opts are checked before any request; a problem is
// yielded once as a *iotclient.ValidationError.
func (c *Client) FleetHistory(ctx context.Context, deviceIDs []string, q HistoryQuery, opts FleetOptions) iter.Seq2[Command, error] {
	ids, conc, err := checkFleet(deviceIDs, &q, opts)
	if err != nil {
		return func(yield func(Command, error) bool) { yield(Command{}, err) }
	}
	return func(yield func(Command, error) bool) {
		if len(ids) == 0 {
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		results := make(chan fleetItem)   // unbuffered: a worker's records are received before its done
		done := make(chan struct{}, conc) // one per worker, never blocks
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait() // no goroutine outlives the iteration
		}()
		var next atomic.Int64
		var aborted atomic.Bool // a worker stopped because ctx ended
		for range conc {
			wg.Go(func() {
				defer func() { done <- struct{}{} }()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(ids) {
						return
					}
					if ctx.Err() != nil || !c.fleetDevice(ctx, ids[i], &q, results) {
						aborted.Store(true)
						return
					}
				}
			})
		}
		for remaining := conc; remaining > 0; {
			select {
			case it := <-results:
				if !yield(it.cmd, it.err) {
					return
				}
				if it.err != nil && opts.StopOnError {
					return
				}
			case <-done:
				remaining--
			}
		}
		if aborted.Load() {
			if err := ctx.Err(); err != nil {
				yield(Command{}, err)
			}
		}
	}
}

// fleetDevice sends one device's records, or its failure, to out. It
// reports false when ctx ended before the device was done.
func (c *Client) fleetDevice(ctx context.Context, deviceID string, q *HistoryQuery, out chan<- fleetItem) bool {
	send := func(it fleetItem) bool {
		select {
		case out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for cmd, err := range c.History(ctx, deviceID, *q) {
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			return send(fleetItem{err: &DeviceError{DeviceID: deviceID, Err: err}})
		}
		switch cmd.DeviceID {
		case deviceID:
		case "":
			cmd.DeviceID = deviceID
		default:
			return send(fleetItem{err: &DeviceError{DeviceID: deviceID, Err: fmt.Errorf(
				"%w: the history of device %q holds command %s of device %q",
				iotclient.ErrMalformedResponse, deviceID, cmd.ID, cmd.DeviceID)}})
		}
		if !send(fleetItem{cmd: cmd}) {
			return false
		}
	}
	return true
}

// checkFleet validates FleetHistory's input and returns a private copy of
// the device IDs and the concurrency to use.
func checkFleet(deviceIDs []string, q *HistoryQuery, opts FleetOptions) ([]string, int, error) {
	conc := opts.Concurrency
	switch {
	case conc == 0:
		conc = DefaultFleetConcurrency
	case conc < 0 || conc > MaxFleetConcurrency:
		return nil, 0, iotclient.NewValidationError("FleetOptions.Concurrency", strconv.Itoa(conc), "must be between 1 and 64 (0 means 8)")
	}
	seen := make(map[string]int, len(deviceIDs))
	for i, id := range deviceIDs {
		field := "deviceIDs[" + strconv.Itoa(i) + "]"
		if err := checkID(field, id, maxDeviceIDLength); err != nil {
			return nil, 0, err
		}
		if j, dup := seen[id]; dup {
			return nil, 0, iotclient.NewValidationError(field, id, "repeats deviceIDs["+strconv.Itoa(j)+"]")
		}
		seen[id] = i
	}
	if err := q.validate("HistoryQuery"); err != nil {
		return nil, 0, err
	}
	return append([]string(nil), deviceIDs...), min(conc, max(len(deviceIDs), 1)), nil
}
