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
)

func TestGetAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	at := time.Date(2024, 5, 31, 10, 0, 0, 250e6, time.UTC)
	require.NoError(t, s.Add(
		clientstate.State{
			ClientID:             "d:ab12cd:sensor:s-1",
			Status:               clientstate.StatusDisconnected,
			LastConnected:        at,
			LastDisconnected:     at.Add(time.Hour),
			LastActivity:         at.Add(30 * time.Minute),
			LastActivityEvent:    "mqttSubscribe",
			Protocol:             "5.0",
			DisconnectedBy:       "server",
			DisconnectReasonCode: 288,
			Extra:                map[string]stdjson.RawMessage{"clientAddress": stdjson.RawMessage(`"10.1.2.3"`), "durable": stdjson.RawMessage(`true`)},
		},
		clientstate.State{ClientID: "A:ab12cd:worker:i-1", Status: clientstate.StatusDisconnected},
	))

	st, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	require.NoError(t, err)
	rec := s.last(t, getPath)
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
	all := s.Seed(200, 21)
	for _, cl := range all {
		st, err := c.Get(context.Background(), cl.ClientID)
		require.NoError(t, err, cl.ClientID)
		require.Equal(t, cl, st)
		require.Equal(t, "/api/v0002/clientconnectionstates/"+cl.ClientID, s.last(t, getPath).Path)
	}
	assert.Equal(t, len(all), s.Requests())
}

func TestInvalidInputSendsNoRequest(t *testing.T) {
	s, c := newMockClient(t)
	s.Seed(10, 1)
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
	assert.Equal(t, 0, s.Requests())
}
