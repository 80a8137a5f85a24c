package commandstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func readAll(t *testing.T, c *commands.Client, device string, q commands.HistoryQuery) []commands.Command {
	t.Helper()
	var out []commands.Command
	for cmd, err := range c.History(context.Background(), device, q) {
		require.NoError(t, err)
		out = append(out, cmd)
	}
	return out
}

// The README's filter, relative to the current time, finds what Seed
// placed in the last two days, and only that.
func TestSeedIsRelativeToNow(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	seeded := srv.Seed("pump-7", 200, 1)
	since := time.Now().Add(-48 * time.Hour)
	var want []string
	for _, c := range seeded {
		require.True(t, c.CreatedAt.Before(srv.Now().Add(time.Second)), "seeded after the reference time: %v", c.CreatedAt)
		if !c.CreatedAt.Before(since) && inHistory(c) {
			want = append(want, c.ID)
		}
		if c.Status == commands.StatusPending || c.Status == commands.StatusSent || c.Status == commands.StatusDelivered {
			assert.WithinDuration(t, srv.Now(), c.CreatedAt, 20*time.Hour, "a command not yet final is recent")
		}
	}
	require.NotEmpty(t, want)
	client, err := srv.NewClient()
	require.NoError(t, err)
	var got []string
	for _, c := range readAll(t, client, "pump-7", commands.HistoryQuery{Since: since}) {
		got = append(got, c.ID)
	}
	assert.Equal(t, want, got)
}

func TestWithNowMakesSeedsRepeatable(t *testing.T) {
	at := time.Date(2024, time.June, 1, 12, 0, 0, 0, time.UTC)
	a, b := commandstest.NewServer(commandstest.WithNow(at)), commandstest.NewServer(commandstest.WithNow(at))
	defer a.Close()
	defer b.Close()
	assert.Equal(t, at, a.Now())
	sa, sb := a.Seed("d", 50, 9), b.Seed("d", 50, 9)
	assert.Equal(t, sa, sb)
	for _, c := range sa {
		assert.True(t, c.CreatedAt.Before(at) && c.CreatedAt.After(at.Add(-31*24*time.Hour)), "created %v", c.CreatedAt)
	}
}

func TestFaultRetryAfterIsADuration(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("d")
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)
	srv.FailNext(1, commandstest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond})
	_, err = c.Count(context.Background(), "d", commands.CountQuery{})
	require.ErrorIs(t, err, iotclient.ErrRateLimited)
	var ae *iotclient.APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, 2*time.Second, ae.RetryAfter, "rounded up to whole seconds")
}

func TestAddRefusesWhatThePlatformCannotHold(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	err := srv.Add("d", commands.Command{Name: "A"}, commands.Command{Name: "B", Params: []byte(`{"x":`)})
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Command[1].Params", ve.Field)
	assert.Empty(t, srv.Commands("d"), "nothing stored")
	err = srv.Add("d", commands.Command{Expire: -time.Second})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Command[0].Expire", ve.Field)
}

// inHistory reports whether the history lists c: PENDING and SENT commands
// are in the queue instead.
func inHistory(c commands.Command) bool {
	return c.Status != commands.StatusPending && c.Status != commands.StatusSent
}
