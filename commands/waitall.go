package commands

import (
	"context"
	"iter"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/iotda"
)

// CommandRef names one command of one device.
type CommandRef struct {
	DeviceID  string
	CommandID string
}

// CommandError is the failure of one command in WaitAll; Unwrap returns
// what went wrong (an *iotclient.APIError, ...).
type CommandError struct {
	DeviceID  string
	CommandID string
	Err       error
}

// Error names the command, its device and the failure.
func (e *CommandError) Error() string {
	return "commands: command " + e.CommandID + " of device " + e.DeviceID + ": " + e.Err.Error()
}

// Unwrap returns the command's error.
func (e *CommandError) Unwrap() error { return e.Err }

// WaitAll waits for many commands at once, as Wait does for each (with
// opts; OnStatus is then called from several goroutines at once), and
// yields each command when it is final, in the order they finish. With
// opts.Watcher, the outcomes come from pushes and only the commands whose
// push is late are read; without, every command is polled: give the client
// a rate limit (iotclient.WithRateLimit) for a large fleet.
//
// A command whose wait fails is yielded once as a *CommandError (with the
// last state read, if any) and the others go on. When ctx ends, its error
// is yielded once and the iteration ends. Breaking the loop stops every
// wait and returns once they have ended. Invalid input (each reference's
// IDs valid and not repeated, opts) is yielded as a
// *iotclient.ValidationError before any request.
func (c *Client) WaitAll(ctx context.Context, refs []CommandRef, opts WaitOptions) iter.Seq2[Command, error] {
	refs, initial, maxInterval, err := checkWaitAll(refs, &opts)
	if err != nil {
		return core.Fail[Command](err)
	}
	return fanIn(ctx, len(refs), len(refs), false, func(ctx context.Context, i int, out chan<- fleetItem) bool {
		r := refs[i]
		cmd, err := c.wait(ctx, r.DeviceID, r.CommandID, initial, maxInterval, &opts)
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			err = &CommandError{DeviceID: r.DeviceID, CommandID: r.CommandID, Err: err}
		}
		select {
		case out <- fleetItem{cmd: cmd, err: err}:
			return true
		case <-ctx.Done():
			return false
		}
	})
}

// fanIn returns an iterator over what jobs 0 to jobs-1 send, run by n
// workers started when the loop starts; a job returns false when it
// stopped because ctx ended, which is then yielded once after the others.
// The iteration ends at the first error with stopOnError. Breaking the loop
// cancels the jobs and returns once every goroutine has ended.
func fanIn(ctx context.Context, n, jobs int, stopOnError bool, job func(ctx context.Context, i int, out chan<- fleetItem) bool) iter.Seq2[Command, error] {
	return func(yield func(Command, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		results := make(chan fleetItem) // unbuffered: nothing waits in it once the loop ends
		var wg sync.WaitGroup
		var next atomic.Int64
		var aborted atomic.Bool // a job stopped because ctx ended
		for range n {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < jobs; i = int(next.Add(1) - 1) {
					if ctx.Err() != nil || !job(ctx, i, results) {
						aborted.Store(true)
						return
					}
				}
			})
		}
		var closing sync.WaitGroup
		closing.Go(func() {
			wg.Wait()
			close(results)
		})
		defer closing.Wait() // runs last: every goroutine has ended
		defer func() {
			cancel()
			for range results { // until every worker has ended
			}
		}()
		for it := range results {
			if !yield(it.cmd, it.err) || it.err != nil && stopOnError {
				return
			}
		}
		if err := ctx.Err(); err != nil && aborted.Load() {
			yield(Command{}, err)
		}
	}
}

// checkWaitAll returns a private copy of the references and the polling
// intervals.
func checkWaitAll(refs []CommandRef, opts *WaitOptions) ([]CommandRef, time.Duration, time.Duration, error) {
	seen := make(map[CommandRef]int, len(refs))
	for i, r := range refs {
		field := "refs[" + strconv.Itoa(i) + "]"
		if err := iotda.CheckID(field+".DeviceID", r.DeviceID, iotda.MaxDeviceIDLength); err != nil {
			return nil, 0, 0, err
		}
		if err := iotda.CheckID(field+".CommandID", r.CommandID, MaxCommandIDLength); err != nil {
			return nil, 0, 0, err
		}
		if j, dup := seen[r]; dup {
			return nil, 0, 0, invalid.Field(field, r.CommandID, "repeats refs["+strconv.Itoa(j)+"]")
		}
		seen[r] = i
	}
	initial, maxInterval, err := opts.intervals()
	if err != nil {
		return nil, 0, 0, err
	}
	return slices.Clone(refs), initial, maxInterval, nil
}
