package clientstate_test

import (
	"context"
	stdjson "encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

const fullRecord = `{"id": "d:ab12cd:sensor:s-1", "clientType": "device",
 "connectionStatus": "disconnected", "lastConnectTime": "2018-09-27T08:40:54.456Z",
 "lastDisconnectTime": "2018-09-27T09:00:01.002Z", "lastActivityEvent": "mqttPublish",
 "lastActivityTime": "2018-09-27T08:59:54.456Z", "mqttConnectProtocol": "3.1.1",
 "disconnectedBy": "network", "disconnectReasonCode": 160,
 "futureField": {"a":[1,2]}, "anotherOne": "x"}`

func TestGetRequestsUnescapedPathAndDecodesEveryField(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, fullRecord), nil })

	st, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	require.NoError(t, err)

	reqs := rec.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "ab12cd.internetofthings.ibmcloud.com", reqs[0].URL.Host)
	assert.Equal(t, "/api/v0002/clientconnectionstates/d:ab12cd:sensor:s-1", reqs[0].URL.EscapedPath())
	assert.Equal(t, "/api/v0002/clientconnectionstates/d:ab12cd:sensor:s-1", reqs[0].URL.RequestURI())
	user, pass, ok := reqs[0].BasicAuth()
	require.True(t, ok)
	assert.Equal(t, testKey, user)
	assert.Equal(t, testToken, pass)

	assert.Equal(t, "d:ab12cd:sensor:s-1", st.ClientID)
	assert.Equal(t, clientstate.ClientTypeDevice, st.ClientType)
	assert.Equal(t, clientstate.StatusDisconnected, st.Status)
	assert.False(t, st.IsConnected())
	assert.Equal(t, time.Date(2018, 9, 27, 8, 40, 54, 456e6, time.UTC), st.LastConnected)
	assert.Equal(t, time.Date(2018, 9, 27, 9, 0, 1, 2e6, time.UTC), st.LastDisconnected)
	assert.Equal(t, time.Date(2018, 9, 27, 8, 59, 54, 456e6, time.UTC), st.LastActivity)
	assert.Equal(t, clientstate.ActivityPublish, st.LastActivityEvent)
	assert.Equal(t, "3.1.1", st.Protocol)
	assert.Equal(t, clientstate.DisconnectedByNetwork, st.DisconnectedBy)
	assert.Equal(t, 160, st.DisconnectReasonCode)
	assert.True(t, st.HasDisconnectReasonCode)
	require.Len(t, st.Extra, 2)
	assert.JSONEq(t, `{"a": [1, 2]}`, string(st.Extra["futureField"]))
	assert.JSONEq(t, `"x"`, string(st.Extra["anotherOne"]))

	id, err := st.ParseClientID()
	require.NoError(t, err)
	assert.Equal(t, "s-1", id.DeviceID)
}

func TestStateAbsentFieldsAreZero(t *testing.T) {
	var st clientstate.State
	require.NoError(t, stdjson.Unmarshal([]byte(`{"id":"a:ab12cd:app","connectionStatus":"connected","lastDisconnectTime":null}`), &st))
	assert.Equal(t, "a:ab12cd:app", st.ClientID)
	assert.True(t, st.IsConnected())
	assert.True(t, st.LastConnected.IsZero())
	assert.True(t, st.LastDisconnected.IsZero())
	assert.True(t, st.LastActivity.IsZero())
	assert.Empty(t, st.LastActivityEvent)
	assert.Empty(t, st.DisconnectedBy)
	assert.False(t, st.HasDisconnectReasonCode)
	assert.Nil(t, st.Extra)
}

func TestStateKeepsUnknownEnumValues(t *testing.T) {
	var st clientstate.State
	require.NoError(t, stdjson.Unmarshal([]byte(`{"clientType":"robot","connectionStatus":"sleeping",
		"lastActivityEvent":"mqttUnsubscribe","disconnectedBy":"admin","disconnectReasonCode":"94"}`), &st))
	assert.Equal(t, clientstate.ClientType("robot"), st.ClientType)
	assert.Equal(t, clientstate.ConnectionStatus("sleeping"), st.Status)
	assert.False(t, st.Status.Known())
	assert.Equal(t, clientstate.ActivityEvent("mqttUnsubscribe"), st.LastActivityEvent)
	assert.Equal(t, clientstate.DisconnectedBy("admin"), st.DisconnectedBy)
	assert.Equal(t, 94, st.DisconnectReasonCode, "a reason code sent as a string of digits")
	assert.True(t, st.HasDisconnectReasonCode)
}

func TestStateBadFieldsNameTheField(t *testing.T) {
	for name, body := range map[string]string{
		"lastConnectTime":      `{"id":"d:o:t:d","lastConnectTime":"yesterday"}`,
		"lastActivityTime":     `{"lastActivityTime":"2018-09-27 08:40"}`,
		"connectionStatus":     `{"connectionStatus":true}`,
		"disconnectReasonCode": `{"disconnectReasonCode":1.5}`,
	} {
		t.Run(name, func(t *testing.T) {
			var st clientstate.State
			err := stdjson.Unmarshal([]byte(body), &st)
			require.Error(t, err)
			assert.Contains(t, err.Error(), `within "/`+name+`"`)
		})
	}
	require.Error(t, stdjson.Unmarshal([]byte(`[1]`), new(clientstate.State)))
}

func TestGetBadTimeIsMalformedResponseNamingTheField(t *testing.T) {
	c, rec := newUnitClient(t)
	rec.handle(func(*http.Request) (*http.Response, error) {
		return jsonResponse(200, `{"id":"d:ab12cd:sensor:s-1","lastDisconnectTime":"27/09/2018"}`), nil
	})
	st, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	require.Error(t, err)
	assert.True(t, errors.Is(err, iotclient.ErrMalformedResponse), "%v", err)
	assert.Contains(t, err.Error(), "lastDisconnectTime")
	assert.Equal(t, clientstate.State{}, st)
}

func TestStateMarshalRoundTrip(t *testing.T) {
	var st clientstate.State
	require.NoError(t, stdjson.Unmarshal([]byte(fullRecord), &st))
	b, err := stdjson.Marshal(st)
	require.NoError(t, err)
	assert.JSONEq(t, fullRecord, string(b))
	var again clientstate.State
	require.NoError(t, stdjson.Unmarshal(b, &again))
	assert.Equal(t, st, again)

	b, err = stdjson.Marshal(clientstate.State{ClientID: "a:o:x", DisconnectReasonCode: 0, HasDisconnectReasonCode: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"a:o:x","disconnectReasonCode":0}`, string(b))
}

func TestGetRefusesBodiesThatAreNotAState(t *testing.T) {
	for _, body := range []string{`null`, `[]`, `"d:ab12cd:sensor:s-1"`, `{"id":`} {
		c, rec := newUnitClient(t)
		rec.handle(func(*http.Request) (*http.Response, error) { return jsonResponse(200, body), nil })
		st, err := c.Get(context.Background(), "d:ab12cd:sensor:s-1")
		assert.ErrorIs(t, err, iotclient.ErrMalformedResponse, body)
		assert.Equal(t, clientstate.State{}, st)
	}
}

// MarshalJSON is the inverse of UnmarshalJSON, to the nanosecond: IBM's
// milliseconds stay as they are, a finer time keeps its digits.
func TestStateTimesEncodeBackExactly(t *testing.T) {
	st := clientstate.State{
		ClientID:         "d:ab12cd:sensor:s-1",
		LastConnected:    time.Date(2018, 9, 27, 8, 40, 54, 456e6, time.UTC),
		LastDisconnected: time.Date(2018, 9, 27, 8, 40, 37, 493_000_100, time.UTC),
		LastActivity:     time.Date(0, 1, 1, 0, 0, 0, 1e5, time.UTC),
	}
	b, err := stdjson.Marshal(st)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"d:ab12cd:sensor:s-1","lastConnectTime":"2018-09-27T08:40:54.456Z",
		"lastDisconnectTime":"2018-09-27T08:40:37.4930001Z","lastActivityTime":"0000-01-01T00:00:00.0001Z"}`, string(b))
	var back clientstate.State
	require.NoError(t, stdjson.Unmarshal(b, &back))
	assert.Equal(t, st, back)

	st.LastActivity = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = stdjson.Marshal(st)
	assert.ErrorContains(t, err, "0000-9999", "RFC 3339 has no year 10000")
}

// Times are RFC 3339, as the godoc says: not ISO 8601's comma, which Go's
// time.Parse takes.
func TestStateRefusesTimesThatAreNotRFC3339(t *testing.T) {
	for field, value := range map[string]string{
		"lastConnectTime":    "0000-01-01T00:00:00,0001Z",
		"lastDisconnectTime": "2018-09-27T8:40:37.493Z",
		"lastActivityTime":   "0000-01-01T00:00:00+00:01",
	} {
		var st clientstate.State
		err := stdjson.Unmarshal([]byte(`{"id":"d:ab12cd:sensor:s-1",`+strconv.Quote(field)+`:`+strconv.Quote(value)+`}`), &st)
		assert.ErrorContains(t, err, `"/`+field+`"`, value)
	}
}
