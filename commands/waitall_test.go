package commands_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func cmdID(i int) string { return fmt.Sprintf("%024x", i+1) }

func TestWaitAllYieldsInTheOrderPushed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		w, f, done := watching(t, commands.WatcherOptions{})
		refs := []commands.CommandRef{{lcDevice, cmdID(0)}, {lcDevice, cmdID(1)}, {lcDevice, cmdID(2)}}
		go func() {
			synctest.Wait() // every wait has subscribed... or is about to
			for _, i := range []int{2, 0, 1} {
				time.Sleep(time.Second)
				f.push(cmdID(i), commands.StatusSuccessful, time.Now())
			}
		}()
		var got []string
		for cmd, err := range c.WaitAll(lcCtx, refs, commands.WaitOptions{Watcher: w}) {
			require.NoError(t, err)
			assert.Equal(t, commands.StatusSuccessful, cmd.Status)
			got = append(got, cmd.ID)
		}
		assert.Equal(t, []string{cmdID(2), cmdID(0), cmdID(1)}, got)
		assert.Equal(t, 0, mt.GetTotalCallCount())
		close(f)
		<-done
	})
}

func TestWaitAllReportsEachFailureAndGoesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		gets(mt, cmdID(0), func() string { return "EXPIRED" })
		mt.RegisterResponder("GET", lcBase+"/async-commands/"+cmdID(1),
			lcJSON(404, `{"error_code":"IOTDA.014111","error_msg":"The command does not exist."}`))
		var got []string
		var errs []error
		for cmd, err := range c.WaitAll(lcCtx, []commands.CommandRef{{lcDevice, cmdID(0)}, {lcDevice, cmdID(1)}}, commands.WaitOptions{}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, cmd.ID+" "+string(cmd.Status))
		}
		assert.Equal(t, []string{cmdID(0) + " EXPIRED"}, got)
		require.Len(t, errs, 1)
		var ce *commands.CommandError
		require.ErrorAs(t, errs[0], &ce)
		assert.Equal(t, cmdID(1), ce.CommandID)
		assert.Equal(t, lcDevice, ce.DeviceID)
		assert.ErrorIs(t, errs[0], iotclient.ErrNotFound)
	})
}

func TestWaitAllEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		gets(mt, cmdID(0), func() string { return "SENT" })
		gets(mt, cmdID(1), func() string { return "SUCCESSFUL" })
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var items []string
		for cmd, err := range c.WaitAll(ctx, []commands.CommandRef{{lcDevice, cmdID(0)}, {lcDevice, cmdID(1)}}, commands.WaitOptions{}) {
			if err != nil {
				items = append(items, err.Error())
				continue
			}
			items = append(items, cmd.ID)
		}
		assert.Equal(t, []string{cmdID(1), context.DeadlineExceeded.Error()}, items, "the context's error once, last")
	})
}

func TestWaitAllBreakStopsEveryWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := lcUnit(t)
		gets(mt, cmdID(0), func() string { return "SUCCESSFUL" })
		for i := 1; i < 5; i++ {
			gets(mt, cmdID(i), func() string { return "PENDING" })
		}
		refs := make([]commands.CommandRef, 5)
		for i := range refs {
			refs[i] = commands.CommandRef{DeviceID: lcDevice, CommandID: cmdID(i)}
		}
		for range c.WaitAll(lcCtx, refs, commands.WaitOptions{}) {
			break
		}
		// synctest.Test fails if a wait's goroutine outlives the bubble.
	})
}

func TestWaitAllValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	for _, tc := range []struct {
		refs  []commands.CommandRef
		opts  commands.WaitOptions
		field string
	}{
		{[]commands.CommandRef{{"", lcCmdID}}, commands.WaitOptions{}, "refs[0].DeviceID"},
		{[]commands.CommandRef{{lcDevice, lcCmdID}, {lcDevice, "a/b"}}, commands.WaitOptions{}, "refs[1].CommandID"},
		{[]commands.CommandRef{{lcDevice, lcCmdID}, {lcDevice, lcCmdID}}, commands.WaitOptions{}, "refs[1]"},
		{[]commands.CommandRef{{lcDevice, lcCmdID}}, commands.WaitOptions{PollInitial: -1}, "WaitOptions.PollInitial"},
	} {
		n := 0
		for _, err := range c.WaitAll(lcCtx, tc.refs, tc.opts) {
			n++
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		}
		assert.Equal(t, 1, n)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// Against the commands fake: commands created through the API, final
// statuses pushed for some of them (on a hand-built stream): those are
// resolved with no read at all, the others by reading at PollMax.
func TestE2EWaitFromPushAgainstTheFake(t *testing.T) {
	s := commandstest.NewServer()
	defer s.Close()
	s.AddDevice(lcDevice)
	c, err := s.NewClient()
	require.NoError(t, err)
	var ids []string
	for range 4 {
		cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF", Strategy: commands.SendDelay})
		require.NoError(t, err)
		ids = append(ids, cmd.ID)
	}
	// The fake moves the command with no push nor lifecycle: the last two
	// are final on the platform, but only the first two are pushed.
	for _, id := range ids {
		require.NoError(t, s.SetStatus(lcDevice, id, commands.StatusSuccessful, []byte(`{"ok":true}`)))
	}
	w, err := commands.NewWatcher(commands.WatcherOptions{})
	require.NoError(t, err)
	f := make(feed)
	var run sync.WaitGroup
	run.Go(func() { _ = w.Run(f.seq()) })
	defer func() { close(f); run.Wait() }()

	before := s.Requests()
	f.push(ids[0], commands.StatusSuccessful, time.Now()) // before Wait: remembered
	const pollMax = 2 * time.Second                       // far beyond a channel send, even on a loaded machine
	opts := commands.WaitOptions{Watcher: w, PollInitial: pollMax, PollMax: pollMax}
	cmd, err := c.Wait(lcCtx, lcDevice, ids[0], opts)
	require.NoError(t, err)
	assert.Equal(t, commands.StatusSuccessful, cmd.Status)
	assert.Equal(t, before, s.Requests(), "no request for a command whose final status was pushed")

	go func() { f.push(ids[1], commands.StatusSuccessful, time.Now()) }()
	start := time.Now()
	got := map[string]time.Duration{}
	for cmd, err := range c.WaitAll(lcCtx, []commands.CommandRef{{lcDevice, ids[1]}, {lcDevice, ids[2]}, {lcDevice, ids[3]}}, opts) {
		require.NoError(t, err)
		assert.Equal(t, commands.StatusSuccessful, cmd.Status)
		got[cmd.ID] = time.Since(start)
	}
	require.Len(t, got, 3)
	assert.Less(t, got[ids[1]], pollMax, "pushed: before any read")
	assert.GreaterOrEqual(t, got[ids[2]], pollMax, "not pushed: read at PollMax")
	assert.GreaterOrEqual(t, got[ids[3]], pollMax)
	assert.Equal(t, before+2, s.Requests(), "one read for each command not pushed, none for the others")
}
