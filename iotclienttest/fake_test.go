package iotclienttest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Every fake's Fault is the one type, and every fake is a Fake: a helper
// of a user's tests is written once for both.
func TestOneFaultOneFake(t *testing.T) {
	var f commandstest.Fault = clientstatetest.Fault{Status: 503}
	var g iotclienttest.Fault = f
	assert.Equal(t, commandstest.Fault{Status: 503}, g)

	cmds := commandstest.NewServer()
	defer cmds.Close()
	states := clientstatetest.NewServer()
	defer states.Close()
	failTwice := func(f iotclienttest.Fake) { f.FailNext(2, g) }
	failTwice(cmds)
	failTwice(states)

	cc, err := cmds.NewClient(iotclient.WithRetry(1), iotclient.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	cmds.AddDevice("d-1")
	_, err = cc.HistoryPage(context.Background(), "d-1", commands.HistoryQuery{})
	assert.ErrorIs(t, err, iotclient.ErrServer)
	sc, err := states.NewClient(iotclient.WithRetry(1), iotclient.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = sc.ListPage(context.Background(), clientstate.ListQuery{})
	assert.ErrorIs(t, err, iotclient.ErrServer)
	assert.Equal(t, 2, cmds.Requests())
	assert.Equal(t, 2, states.Requests())
	assert.Equal(t, 2, cmds.FaultsInjected())
	assert.Equal(t, 2, states.FaultsInjected())
	_, err = sc.ListPage(context.Background(), clientstate.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, 2, states.FaultsInjected(), "the queue was spent: an answer that is no fault")
}

// Through the in-memory client a dropped connection and a body cut short
// read as over a socket: a read is tried again, a delivery is not sent
// twice.
func TestConnectionFaultsInMemory(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("d-1", 20, 1)
	c, err := srv.NewClient(iotclient.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	ctx := context.Background()

	for _, f := range []commandstest.Fault{{Drop: true}, {Truncate: true}} {
		before := srv.Requests()
		srv.FailNext(1, f)
		page, err := c.HistoryPage(ctx, "d-1", commands.HistoryQuery{})
		require.NoError(t, err, "%+v", f)
		assert.NotEmpty(t, page.Items)
		assert.Equal(t, 2, srv.Requests()-before, "%+v: the read was tried again", f)
	}

	before := srv.Requests()
	srv.FailNext(1, commandstest.Fault{Malformed: true})
	_, err = c.HistoryPage(ctx, "d-1", commands.HistoryQuery{})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Equal(t, 1, srv.Requests()-before, "a whole answer that is not JSON is not read again")

	create := commands.NewCommand{ServiceID: "Switch", Name: "ON", Strategy: commands.SendImmediately}
	stored := len(srv.Commands("d-1"))
	srv.FailNext(1, commandstest.Fault{Drop: true})
	_, err = c.Create(ctx, "d-1", create)
	require.Error(t, err)
	assert.Len(t, srv.Commands("d-1"), stored, "dropped before the fake ran it")

	before = srv.Requests()
	srv.FailNext(1, commandstest.Fault{Truncate: true})
	_, err = c.Create(ctx, "d-1", create)
	require.Error(t, err)
	assert.Equal(t, 1, srv.Requests()-before, "a delivery that may have arrived is not sent again")
	assert.Len(t, srv.Commands("d-1"), stored+1, "the fake ran it before cutting the answer")
}
