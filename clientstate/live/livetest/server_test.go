package livetest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
)

const pump = "d:" + clientstatetest.OrgID + ":pump:p-1"

// The broker publishes the retained state of the fleet stored at start,
// then each simulated change, which REST reports too.
func TestRetainedThenLiveAndRESTAgree(t *testing.T) {
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	rest := clientstatetest.NewServer()
	rest.Seed(20, 1)
	require.NoError(t, rest.Add(clientstate.State{
		ClientID: pump, Status: clientstate.ConnectionStatus("connected"), LastConnected: at,
	}))
	srv, err := livetest.NewServer(rest)
	require.NoError(t, err)
	defer srv.Close()
	assert.Len(t, srv.States(), 21)

	cfg := srv.LiveConfig()
	cfg.Subscriptions = []live.Subscription{live.DeviceStatus("pump", "p-1")}
	mon, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var got []string
	for ev, err := range mon.Events(ctx) {
		if err != nil {
			require.True(t, live.IsTransient(err), "%v", err)
			continue
		}
		got = append(got, fmt.Sprintf("%s %s retained=%t", ev.Action, ev.ClientID, ev.Retained))
		if len(got) == 1 {
			require.NoError(t, srv.Disconnect(pump, 160))
		}
		if len(got) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"Connect " + pump + " retained=true", "Disconnect " + pump + " retained=false"}, got)

	client, err := srv.NewClient()
	require.NoError(t, err)
	st, err := client.Get(context.Background(), pump)
	require.NoError(t, err)
	assert.Equal(t, clientstate.ConnectionStatus("disconnected"), st.Status)
	assert.Equal(t, 160, st.DisconnectReasonCode)
	assert.Equal(t, 1, srv.Connections())
}

func TestFlapNeedsAFleetAndRefuseFailsTheMonitor(t *testing.T) {
	srv, err := livetest.NewServer(clientstatetest.NewServer())
	require.NoError(t, err)
	defer srv.Close()
	_, err = srv.Flap(1, 1)
	require.Error(t, err, "no fleet")
	srv.Seed(10, 2)
	n, err := srv.Flap(1, 5)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	stop := srv.Simulate(time.Millisecond)
	stop()
	stop()

	srv.RefuseConnections(true)
	cfg := srv.LiveConfig()
	cfg.ConnectTimeout = 2 * time.Second
	mon, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, err := range mon.Events(ctx) {
		require.Error(t, err, "no event from a refusing broker")
		assert.ErrorIs(t, err, live.ErrBrokerUnavailable)
		break
	}
	assert.Equal(t, 0, srv.Connections())
	assert.Contains(t, srv.BrokerURL(), "tcp://127.0.0.1:")
}

func TestFleetChangesShowInREST(t *testing.T) {
	srv, err := livetest.NewServer(clientstatetest.NewServer(clientstatetest.WithNow(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))))
	require.NoError(t, err)
	require.NoError(t, srv.Add(clientstate.State{ClientID: pump, Status: clientstate.ConnectionStatus("disconnected")}))
	assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), srv.Now())
	require.NoError(t, srv.Connect(pump))
	require.NoError(t, srv.FailedConnect(pump))
	require.Error(t, srv.Connect("a:ab12cd:app"), "an application is not part of the fleet")
	assert.Contains(t, srv.URL(), "http://127.0.0.1:")

	rest, err := srv.NewClient()
	require.NoError(t, err)
	st, err := rest.Get(context.Background(), pump)
	require.NoError(t, err)
	assert.Equal(t, clientstate.ConnectionStatus("connected"), st.Status)
	assert.Equal(t, 1, srv.Requests())

	mon, err := srv.NewMonitor()
	require.NoError(t, err)
	assert.NotNil(t, mon)
	assert.Equal(t, 0, srv.DropConnections())
	srv.Simulate(time.Hour) // stopped by Close
	srv.Close()
}

// SimulateFlapping puts one client in a reconnect loop the monitor sees,
// PublishRaw reaches it as the platform's bytes, and RefuseProtocol ends a
// new monitor's stream for good.
func TestSimulateFlappingPublishRawAndRefuseProtocol(t *testing.T) {
	rest := clientstatetest.NewServer()
	require.NoError(t, rest.Add(clientstate.State{ClientID: pump, Status: clientstate.ConnectionStatus("disconnected")}))
	srv, err := livetest.NewServer(rest)
	require.NoError(t, err)
	defer srv.Close()

	cfg := srv.LiveConfig()
	cfg.Subscriptions = []live.Subscription{live.DeviceStatus("pump", "p-1")}
	mon, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stop := srv.SimulateFlapping(pump, 5*time.Millisecond)
	defer stop()
	var actions []live.Action
	sawRaw := false
	for ev, err := range mon.Events(ctx) {
		if err != nil {
			var me *live.MessageError
			if errors.As(err, &me) {
				sawRaw = true
				break
			}
			require.True(t, live.IsTransient(err), "%v", err)
			continue
		}
		actions = append(actions, ev.Action)
		if len(actions) == 4 {
			stop()
			require.NoError(t, srv.PublishRaw("iot-2/type/pump/id/p-1/mon", []byte(`{"Action":`), false))
		}
	}
	require.True(t, sawRaw, "the raw message reached the monitor as a MessageError")
	assert.Contains(t, actions, live.Action("Connect"))
	assert.Contains(t, actions, live.Action("Disconnect"))

	srv.RefuseProtocol(true)
	mon2, err := live.NewMonitor(srv.LiveConfig())
	require.NoError(t, err)
	for _, err := range mon2.Events(ctx) {
		require.ErrorIs(t, err, live.ErrProtocolRefused)
		break
	}
}
