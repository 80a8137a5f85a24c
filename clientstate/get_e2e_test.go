package clientstate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	stdjson "encoding/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func TestGetAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	at := time.Date(2024, 5, 31, 10, 0, 0, 250e6, time.UTC)
	s.AddClients(
		mockserver.ClientState{
			ClientID:             "d:ab12cd:sensor:s-1",
			ConnectionStatus:     mockserver.Disconnected,
			LastConnect:          at,
			LastDisconnect:       at.Add(time.Hour),
			LastActivity:         at.Add(30 * time.Minute),
			LastActivityEvent:    "mqttSubscribe",
			Protocol:             "5.0",
			DisconnectedBy:       "server",
			DisconnectReasonCode: 288,
			Extra:                map[string]any{"clientAddress": "10.1.2.3", "durable": true},
		},
		mockserver.ClientState{ClientID: "A:ab12cd:worker:i-1", ConnectionStatus: mockserver.Disconnected},
	)

	st, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	require.NoError(t, err)
	rec, ok := s.LastRequest(mockserver.RouteClientState)
	require.True(t, ok)
	assert.Equal(t, "GET", rec.Method)
	assert.Equal(t, "/api/v0002/clientconnectionstates/d:ab12cd:sensor:s-1", rec.Path, "colons are sent unescaped")
	assert.Equal(t, clientstate.State{
		ClientID:                "d:ab12cd:sensor:s-1",
		ClientType:              clientstate.ClientTypeDevice,
		Status:                  clientstate.StatusDisconnected,
		LastConnected:           at,
		LastDisconnected:        at.Add(time.Hour),
		LastActivity:            at.Add(30 * time.Minute),
		LastActivityEvent:       clientstate.ActivitySubscribe,
		Protocol:                "5.0",
		DisconnectedBy:          clientstate.DisconnectedByServer,
		DisconnectReasonCode:    288,
		HasDisconnectReasonCode: true,
		Extra: map[string]stdjson.RawMessage{
			"clientAddress": stdjson.RawMessage(`"10.1.2.3"`),
			"durable":       stdjson.RawMessage(`true`),
		},
	}, st)

	// A record with absent times decodes to zero values.
	st, err = c.Get(context.Background(), "A:ab12cd:worker:i-1")
	require.NoError(t, err)
	assert.Equal(t, clientstate.State{
		ClientID:   "A:ab12cd:worker:i-1",
		ClientType: clientstate.ClientTypeApplication,
		Status:     clientstate.StatusDisconnected,
	}, st)
	assert.True(t, st.LastConnected.IsZero() && st.LastDisconnected.IsZero() && st.LastActivity.IsZero())
}

func TestGetEverySeededClient(t *testing.T) {
	s, c := newMockClient(t)
	all := s.SeedClients(200, 21)
	for _, cl := range all {
		st, err := c.Get(context.Background(), cl.ClientID)
		require.NoError(t, err, cl.ClientID)
		require.Equal(t, expectedState(t, cl), st)
		rec, _ := s.LastRequest(mockserver.RouteClientState)
		require.Equal(t, "/api/v0002/clientconnectionstates/"+cl.ClientID, rec.Path)
	}
	assert.Equal(t, len(all), s.Requests(mockserver.RouteClientState))
}

func TestInvalidInputSendsNoRequest(t *testing.T) {
	s, c := newMockClient(t)
	s.SeedClients(10, 1)
	for _, id := range []string{
		"x:org",
		"d:ab12cd::s-1",
		"d:ab12cd:sensor:",
		"d:ab12cd:sensor:" + strings.Repeat("s", 37),
		"d:ab12cd:sensor:a/b",
		"d:ab12cd:sensor:a?b=c",
		"",
	} {
		_, err := c.Get(context.Background(), id)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, id)
		assert.Equal(t, "clientID", ve.Field)
	}
	now := time.Now()
	for _, q := range []clientstate.LogQuery{{Limit: 21}, {From: now}} {
		for _, err := range c.ConnectionLogs(context.Background(), "sensor", "s-1", q) {
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
		}
	}
	for _, err := range c.List(context.Background(), clientstate.ListQuery{PageSize: 1000}) {
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
	}
	assert.Equal(t, 0, s.Requests(mockserver.RouteAll))
}
