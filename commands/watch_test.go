package commands_test

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

// feed is a hand-built stream of pushed updates: what the test sends on
// it, the watcher receives.
type feed chan pushItem

type pushItem struct {
	cmd commands.Command
	err error
}

func (f feed) seq() iter.Seq2[commands.Command, error] {
	return func(yield func(commands.Command, error) bool) {
		for it := range f {
			if !yield(it.cmd, it.err) {
				return
			}
		}
	}
}

func (f feed) push(id string, st commands.Status, at time.Time) {
	f <- pushItem{cmd: commands.Command{ID: id, DeviceID: lcDevice, Status: st, CreatedAt: at.Add(-time.Second), RespondedAt: respondedAt(st, at),
		Result: resultOf(st)}}
}

func respondedAt(st commands.Status, at time.Time) time.Time {
	if st == commands.StatusSuccessful || st == commands.StatusFailed {
		return at
	}
	return time.Time{}
}

func resultOf(st commands.Status) []byte {
	if st == commands.StatusSuccessful {
		return []byte(`{"result_code":0}`)
	}
	return nil
}

// watching starts a watcher fed by a new stream, in the current (bubble's)
// goroutine group; closing the stream ends it (done is closed then).
func watching(t *testing.T, opts commands.WatcherOptions) (*commands.Watcher, feed, chan error) {
	t.Helper()
	w, err := commands.NewWatcher(opts)
	require.NoError(t, err)
	f := make(feed)
	done := make(chan error, 1)
	go func() { done <- w.Run(f.seq()) }()
	return w, f, done
}

// gets counts the reads of lcCmdID (or of any command) and answers them
// with status.
func gets(mt *httpmock.MockTransport, id string, status func() string) *[]time.Duration {
	start := time.Now()
	var at []time.Duration
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+id, func(r *http.Request) (*http.Response, error) {
		at = append(at, time.Since(start))
		return lcJSON(200, lcRecord(id, status()))(r)
	})
	return &at
}

type waitResult struct {
	cmd  commands.Command
	err  error
	took time.Duration
}

func waitAsync(c *commands.Client, ctx context.Context, id string, opts commands.WaitOptions) chan waitResult {
	out := make(chan waitResult, 1)
	start := time.Now()
	go func() {
		cmd, err := c.Wait(ctx, lcDevice, id, opts)
		out <- waitResult{cmd, err, time.Since(start)}
	}()
	return out
}

func TestWaitReturnsOnThePushedFinalStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		reads := gets(mt, lcCmdID, func() string { return "SENT" })
		w, f, done := watching(t, commands.WatcherOptions{})
		var seen []commands.Status
		res := waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: w, OnStatus: func(c commands.Command) { seen = append(seen, c.Status) }})
		t0 := time.Now()
		time.Sleep(2 * time.Second)
		f.push(lcCmdID, commands.StatusSent, t0.Add(2*time.Second))
		time.Sleep(3 * time.Second)
		f.push(lcCmdID, commands.StatusSuccessful, t0.Add(5*time.Second))
		r := <-res
		require.NoError(t, r.err)
		assert.Equal(t, 5*time.Second, r.took, "returns when the final status is pushed")
		assert.Equal(t, commands.StatusSuccessful, r.cmd.Status)
		assert.Equal(t, lcCmdID, r.cmd.ID)
		assert.Equal(t, lcDevice, r.cmd.DeviceID)
		assert.JSONEq(t, `{"result_code":0}`, string(r.cmd.Result))
		assert.Equal(t, t0.Add(5*time.Second), r.cmd.RespondedAt)
		assert.Equal(t, []commands.Status{"SENT", "SUCCESSFUL"}, seen)
		assert.Empty(t, *reads, "no read at all")
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		assert.NoError(t, <-done)
	})
}

// Pushes come twice and out of order: Wait follows the command's times, a
// final status wins, a stale one is ignored.
func TestWaitFollowsPushedTimesNotArrival(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		w, f, done := watching(t, commands.WatcherOptions{})
		var seen []commands.Status
		res := waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: w, OnStatus: func(c commands.Command) { seen = append(seen, c.Status) }})
		synctest.Wait() // Wait is waiting
		t0 := time.Now()
		f <- pushItem{cmd: commands.Command{ID: lcCmdID, Status: commands.StatusDelivered, DeliveredAt: t0.Add(3 * time.Second)}}
		f <- pushItem{cmd: commands.Command{ID: lcCmdID, Status: commands.StatusSent, SentAt: t0.Add(2 * time.Second)}} // late
		f <- pushItem{cmd: commands.Command{ID: lcCmdID, Status: commands.StatusDelivered, DeliveredAt: t0.Add(3 * time.Second)}}
		f <- pushItem{cmd: commands.Command{ID: lcCmdID, DeviceID: "another-device", Status: commands.StatusFailed}} // not ours
		f <- pushItem{cmd: commands.Command{ID: "another-command", Status: commands.StatusFailed}}
		synctest.Wait()
		select {
		case r := <-res:
			t.Fatalf("returned early: %+v", r)
		default:
		}
		f <- pushItem{cmd: commands.Command{ID: lcCmdID, DeviceID: lcDevice, Status: commands.StatusTimeout, SentAt: t0.Add(2 * time.Second)}}
		r := <-res
		require.NoError(t, r.err)
		assert.Equal(t, commands.StatusTimeout, r.cmd.Status, "final wins over a later DELIVERED")
		assert.Equal(t, []commands.Status{"DELIVERED", "TIMEOUT"}, seen)
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		<-done
	})
}

// A final status pushed before Wait is called is remembered.
func TestWaitSeesAFinalStatusPushedBefore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		w, f, done := watching(t, commands.WatcherOptions{})
		f.push(lcCmdID, commands.StatusFailed, time.Now())
		time.Sleep(time.Minute)
		var seen []commands.Status
		r := <-waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: w, OnStatus: func(c commands.Command) { seen = append(seen, c.Status) }})
		require.NoError(t, r.err)
		assert.Zero(t, r.took, "at once")
		assert.Equal(t, commands.StatusFailed, r.cmd.Status)
		assert.Equal(t, lcDevice, r.cmd.DeviceID)
		assert.Equal(t, []commands.Status{"FAILED"}, seen)
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		<-done
	})
}

// The watcher's memory is bounded, in count and in time: past those, Wait
// falls back to reading the command at PollMax.
func TestWatcherMemoryIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		ids := []string{"aaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaaaaaaaaaa4"}
		var reads []*[]time.Duration
		for _, id := range ids {
			reads = append(reads, gets(mt, id, func() string { return "SUCCESSFUL" }))
		}
		w, f, done := watching(t, commands.WatcherOptions{MaxRemembered: 2, Remember: time.Minute})
		for _, id := range ids[:3] {
			f.push(id, commands.StatusSuccessful, time.Now())
		}
		opts := commands.WaitOptions{Watcher: w, PollMax: 10 * time.Second}
		r := <-waitAsync(c, lcCtx, ids[2], opts)
		require.NoError(t, r.err)
		assert.Zero(t, r.took, "remembered")
		r = <-waitAsync(c, lcCtx, ids[0], opts)
		require.NoError(t, r.err)
		assert.Equal(t, 10*time.Second, r.took, "forgotten (two are kept): read at PollMax")
		assert.Len(t, *reads[0], 1)

		f.push(ids[3], commands.StatusSuccessful, time.Now())
		time.Sleep(61 * time.Second)
		r = <-waitAsync(c, lcCtx, ids[3], opts)
		require.NoError(t, r.err)
		assert.Equal(t, 10*time.Second, r.took, "forgotten after a minute")
		assert.Len(t, *reads[3], 1)
		assert.Empty(t, *reads[2])
		close(f)
		<-done
	})
}

// No push comes: Wait reads the command every PollMax, not sooner.
func TestWaitWithoutPushPollsAtPollMax(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		n := 0
		reads := gets(mt, lcCmdID, func() string {
			if n++; n < 3 {
				return "SENT"
			}
			return "SUCCESSFUL"
		})
		w, f, done := watching(t, commands.WatcherOptions{})
		r := <-waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: w})
		require.NoError(t, r.err)
		assert.Equal(t, commands.StatusSuccessful, r.cmd.Status)
		assert.Equal(t, "ON_OFF", r.cmd.Name, "read, so complete")
		assert.Equal(t, secs(30, 60, 90), *reads, "every PollMax (30s by default)")
		close(f)
		<-done
	})
}

// An error on the stream (a push may be lost) makes Wait read soon: at once
// if it never read, else PollInitial after its last read. So does the
// stream's end.
func TestWaitReadsAfterAStreamError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		n := 0
		reads := gets(mt, lcCmdID, func() string {
			if n++; n < 3 {
				return "SENT"
			}
			return "FAILED"
		})
		w, f, done := watching(t, commands.WatcherOptions{})
		res := waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: w, PollInitial: 2 * time.Second, PollMax: 20 * time.Second})
		time.Sleep(5 * time.Second)
		f <- pushItem{err: errors.New("notifications lost")}
		time.Sleep(time.Second)
		f <- pushItem{err: errors.New("notifications lost again")}
		time.Sleep(3 * time.Second)
		close(f) // the stream ends: read again, PollInitial after the last read
		require.Error(t, <-done)
		r := <-res
		require.NoError(t, r.err)
		assert.Equal(t, commands.StatusFailed, r.cmd.Status)
		assert.Equal(t, secs(5, 7, 9), *reads, "at the error; PollInitial after it; at the stream's end, PollInitial after the last")
	})
}

func TestWaitWithWatcherStopsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		w, f, done := watching(t, commands.WatcherOptions{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res := waitAsync(c, ctx, lcCmdID, commands.WaitOptions{Watcher: w})
		synctest.Wait() // Wait is waiting
		f.push(lcCmdID, commands.StatusSent, time.Now())
		r := <-res
		require.ErrorIs(t, r.err, context.DeadlineExceeded)
		assert.Equal(t, 10*time.Second, r.took)
		assert.Equal(t, commands.StatusSent, r.cmd.Status, "the last state pushed")
		assert.Contains(t, r.err.Error(), "still SENT")
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		<-done
	})
}

func TestNewWatcherValidates(t *testing.T) {
	for _, tc := range []struct {
		opts  commands.WatcherOptions
		field string
	}{
		{commands.WatcherOptions{Remember: -1}, "WatcherOptions.Remember"},
		{commands.WatcherOptions{MaxRemembered: -1}, "WatcherOptions.MaxRemembered"},
	} {
		w, err := commands.NewWatcher(tc.opts)
		assert.Nil(t, w)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
}

func TestSupersedes(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	st := func(s commands.Status, at time.Time) commands.Command {
		return commands.Command{ID: "c", Status: s, SentAt: at}
	}
	for _, tc := range []struct {
		name     string
		new, old commands.Command
		want     bool
	}{
		{"later time", st("SENT", t0.Add(time.Second)), st("SENT", t0), true},
		{"earlier time", st("DELIVERED", t0), st("SENT", t0.Add(time.Second)), false},
		{"same time, later status", st("DELIVERED", t0), st("SENT", t0), true},
		{"same time, earlier status", st("PENDING", t0), st("SENT", t0), false},
		{"the same", st("SENT", t0), st("SENT", t0), false},
		{"final over later non-final", st("TIMEOUT", t0), st("DELIVERED", t0.Add(time.Hour)), true},
		{"nothing over final", st("SUCCESSFUL", t0.Add(time.Hour)), st("FAILED", t0), false},
		{"non-final never over final", st("DELIVERED", t0.Add(time.Hour)), st("EXPIRED", t0), false},
		{"unknown status, later", st("QUEUED", t0.Add(time.Second)), st("SENT", t0), true},
		{"unknown status, same time", st("QUEUED", t0), st("PENDING", t0), false},
		{"no times: by status", commands.Command{Status: "SENT"}, commands.Command{Status: "PENDING"}, true},
	} {
		assert.Equal(t, tc.want, tc.new.Supersedes(tc.old), tc.name)
	}
}

// A zero Watcher takes the default options; a nil one is refused by Run.
func TestZeroWatcher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		var w commands.Watcher
		f := make(feed)
		done := make(chan error, 1)
		go func() { done <- w.Run(f.seq()) }()
		f.push(lcCmdID, commands.StatusSuccessful, time.Now())
		r := <-waitAsync(c, lcCtx, lcCmdID, commands.WaitOptions{Watcher: &w})
		require.NoError(t, r.err)
		assert.Equal(t, commands.StatusSuccessful, r.cmd.Status)
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		<-done
	})
	var nilWatcher *commands.Watcher
	var ve *iotclient.ValidationError
	assert.ErrorAs(t, nilWatcher.Run(feed(nil).seq()), &ve)
}
