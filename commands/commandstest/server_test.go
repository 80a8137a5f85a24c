package commandstest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func TestSeedMatchesWhatTheClientReads(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	seeded := srv.Seed("dev-1", 75, 3)
	c, err := srv.NewClient()
	require.NoError(t, err)
	var got []commands.Command
	for cmd, err := range c.History(context.Background(), "dev-1", commands.HistoryQuery{}) {
		require.NoError(t, err)
		got = append(got, cmd)
	}
	assert.Equal(t, seeded, srv.Commands("dev-1"))
	// The history lists final commands and DELIVERED ones; PENDING and
	// SENT ones are in the queue.
	seeded = slices.DeleteFunc(seeded, func(c commands.Command) bool {
		return c.Status == commands.StatusPending || c.Status == commands.StatusSent
	})
	// History records carry no parameters or result (reading one command
	// does); otherwise Seed returns exactly what the SDK decodes.
	for i := range seeded {
		seeded[i].Params, seeded[i].Result = nil, nil
	}
	assert.Equal(t, seeded, got)
}

func TestAddAndSetStatus(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	require.NoError(t, srv.Add("dev-2", commands.Command{ID: "000000000000000000000002", ServiceID: "Switch", Name: "ON_OFF",
		Status: commands.StatusSent, SendStrategy: commands.SendImmediately, CreatedAt: at, SentAt: at}))
	require.NoError(t, srv.SetStatus("dev-2", "000000000000000000000002", commands.StatusSuccessful, []byte(`{"ok":true}`)))
	c, err := srv.NewClient()
	require.NoError(t, err)
	got := readAll(t, c, "dev-2", commands.HistoryQuery{})
	require.Len(t, got, 1)
	assert.Equal(t, commands.StatusSuccessful, got[0].Status)
	assert.Equal(t, at, got[0].CreatedAt)
}

func TestFaults(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("dev-3", 10, 1)
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)

	srv.FailNext(1, commandstest.Fault{Status: 503})
	_, err = c.HistoryPage(context.Background(), "dev-3", commands.HistoryQuery{})
	require.ErrorIs(t, err, iotclient.ErrServer)

	srv.SetFaultRate(1, 1)
	_, err = c.HistoryPage(context.Background(), "dev-3", commands.HistoryQuery{})
	require.Error(t, err)

	srv.ClearFaults()
	_, err = c.HistoryPage(context.Background(), "dev-3", commands.HistoryQuery{})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Requests())
}
