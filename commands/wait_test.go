package commands_test

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

// lcStatuses answers the read-one call with each status in turn, the last
// one for ever, and records when (in the bubble's fake time) each read came.
func lcStatuses(t *testing.T, statuses ...string) (*commands.Client, *[]time.Duration) {
	c, mt := lcUnit(t)
	start := time.Now()
	var at []time.Duration
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+lcCmdID, func(r *http.Request) (*http.Response, error) {
		at = append(at, time.Since(start))
		st := statuses[min(len(at), len(statuses))-1]
		return lcJSON(200, lcRecord(lcCmdID, st))(r)
	})
	return c, &at
}

func secs(ds ...float64) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = time.Duration(d * float64(time.Second))
	}
	return out
}

func TestWaitPollsWithDoublingBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, at := lcStatuses(t, "PENDING", "PENDING", "SENT", "DELIVERED", "SUCCESSFUL")
		var seen []commands.Status
		cmd, err := c.Wait(lcCtx, lcDevice, lcCmdID, commands.WaitOptions{OnStatus: func(c commands.Command) { seen = append(seen, c.Status) }})
		require.NoError(t, err)
		assert.Equal(t, commands.StatusSuccessful, cmd.Status)
		assert.JSONEq(t, `{"value":"1"}`, string(cmd.Params))
		assert.Equal(t, secs(0, 1, 3, 7, 15), *at, "reads at once, then after 1s, 2s, 4s, 8s")
		assert.Equal(t, []commands.Status{"PENDING", "SENT", "DELIVERED", "SUCCESSFUL"}, seen, "OnStatus on changes only")
	})
}

func TestWaitBackoffIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		statuses := make([]string, 9)
		for i := range statuses {
			statuses[i] = "SENT"
		}
		statuses[8] = "TIMEOUT"
		c, at := lcStatuses(t, statuses...)
		cmd, err := c.Wait(lcCtx, lcDevice, lcCmdID, commands.WaitOptions{})
		require.NoError(t, err)
		assert.Equal(t, commands.StatusTimeout, cmd.Status)
		assert.Equal(t, secs(0, 1, 3, 7, 15, 31, 61, 91, 121), *at, "the wait stops growing at 30s")
	})
	synctest.Test(t, func(t *testing.T) {
		c, at := lcStatuses(t, "SENT", "SENT", "SENT", "SENT", "FAILED")
		cmd, err := c.Wait(lcCtx, lcDevice, lcCmdID, commands.WaitOptions{PollInitial: 100 * time.Millisecond, PollMax: 250 * time.Millisecond})
		require.NoError(t, err)
		assert.Equal(t, commands.StatusFailed, cmd.Status)
		assert.Equal(t, secs(0, 0.1, 0.3, 0.55, 0.8), *at)
	})
}

func TestWaitStopsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, at := lcStatuses(t, "PENDING", "SENT")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		cmd, err := c.Wait(ctx, lcDevice, lcCmdID, commands.WaitOptions{})
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 10*time.Second, time.Since(start), "returns when the deadline passes, not at the next poll")
		assert.Equal(t, commands.StatusSent, cmd.Status, "the last command read comes back")
		assert.Equal(t, lcCmdID, cmd.ID)
		assert.Contains(t, err.Error(), "still SENT")
		assert.Equal(t, secs(0, 1, 3, 7), *at)
	})
}

func TestWaitEndsOnAnAPIError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		n := 0
		mt.RegisterResponder("GET", lcBase+"/async-commands/"+lcCmdID, func(r *http.Request) (*http.Response, error) {
			if n++; n == 1 {
				return lcJSON(200, lcRecord(lcCmdID, "SENT"))(r)
			}
			return lcJSON(404, `{"error_code":"IOTDA.014111","error_msg":"The command does not exist."}`)(r)
		})
		cmd, err := c.Wait(lcCtx, lcDevice, lcCmdID, commands.WaitOptions{})
		require.ErrorIs(t, err, iotclient.ErrNotFound)
		assert.Equal(t, commands.StatusSent, cmd.Status)
		assert.Equal(t, 2, n)
	})
}

func TestWaitCancelledBeforeAnyRead(t *testing.T) {
	c, mt := lcUnit(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cmd, err := c.Wait(ctx, lcDevice, lcCmdID, commands.WaitOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, cmd.ID)
	assert.Contains(t, err.Error(), "not read")
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestWaitValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	for _, tc := range []struct {
		device, id, field string
		opts              commands.WaitOptions
	}{
		{"", lcCmdID, "deviceID", commands.WaitOptions{}},
		{lcDevice, "x/y", "commandID", commands.WaitOptions{}},
		{lcDevice, lcCmdID, "WaitOptions.PollInitial", commands.WaitOptions{PollInitial: -time.Second}},
		{lcDevice, lcCmdID, "WaitOptions.PollInitial", commands.WaitOptions{PollMax: -time.Second}},
		{lcDevice, lcCmdID, "WaitOptions.PollInitial", commands.WaitOptions{PollInitial: 2 * time.Second, PollMax: time.Second}},
	} {
		_, err := c.Wait(lcCtx, tc.device, tc.id, tc.opts)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// End to end: the fake's lifecycle drives each command to the outcome its
// name selects; in a testing/synctest bubble the clock is moved past the
// last step, so Wait's first read already sees the final status.
func TestE2EWaitReturnsEveryTerminalStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := lcLifecycle(t)
		cases := []struct {
			name     string
			strategy commands.SendStrategy
			expire   time.Duration
			want     commands.Status
		}{
			{"ON_OFF", commands.SendDelay, 0, commands.StatusSuccessful},
			{"REBOOT_FAILS", commands.SendImmediately, 0, commands.StatusFailed},
			{"REBOOT_HANGS", commands.SendImmediately, 0, commands.StatusTimeout},
			{"REBOOT_ASLEEP", commands.SendDelay, time.Hour, commands.StatusExpired},
			{"ON_OFF", commands.SendDelay, 5 * time.Second, commands.StatusExpired}, // expires before it is sent
		}
		ids := make([]string, len(cases))
		for i, tc := range cases {
			cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: tc.name, Strategy: tc.strategy, Expire: tc.expire})
			require.NoError(t, err)
			assert.False(t, cmd.Status.IsTerminal())
			ids[i] = cmd.ID
		}
		time.Sleep(2 * time.Hour)
		for i, tc := range cases {
			cmd, err := c.Wait(lcCtx, lcDevice, ids[i], commands.WaitOptions{})
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.want, cmd.Status, tc.name)
			switch tc.want {
			case commands.StatusSuccessful, commands.StatusFailed:
				assert.NotEmpty(t, cmd.Result)
				assert.False(t, cmd.RespondedAt.IsZero())
			default:
				assert.Empty(t, cmd.Result)
			}
		}
		assert.Equal(t, len(cases), s.requests(getRoute), "one read each")
	})
}

// TestE2EWaitFollowsTheLifecycle moves the bubble's clock one step each
// time Wait sees a new status, so Wait polls through every status.
func TestE2EWaitFollowsTheLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := lcLifecycle(t)
		start := time.Now().UTC()
		cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF", Strategy: commands.SendDelay})
		require.NoError(t, err)
		var seen []commands.Status
		done, err := c.Wait(lcCtx, lcDevice, cmd.ID,
			commands.WaitOptions{PollInitial: time.Millisecond, PollMax: time.Millisecond, OnStatus: func(c commands.Command) {
				seen = append(seen, c.Status)
				time.Sleep(map[commands.Status]time.Duration{
					commands.StatusPending:   lcSendAfter,
					commands.StatusSent:      lcDeliverAfter,
					commands.StatusDelivered: lcRespondAfter,
				}[c.Status])
			}})
		require.NoError(t, err)
		assert.Equal(t, commands.StatusSuccessful, done.Status)
		assert.Equal(t, []commands.Status{"PENDING", "SENT", "DELIVERED", "SUCCESSFUL"}, seen)
		assert.Equal(t, 4, s.requests(getRoute))
		assert.Equal(t, start.Add(lcSendAfter), done.SentAt, "stamped when due")
	})
}
