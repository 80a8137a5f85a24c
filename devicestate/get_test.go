package devicestate_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/devicestate"
)

func TestGetReadsStatusAndSince(t *testing.T) {
	srv, c, seeded := fake(t, 20)
	ctx := context.Background()
	for _, want := range seeded {
		got, err := c.Get(ctx, want.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	changed := seeded[3].StatusChangedAt.Add(time.Hour + 815*time.Millisecond)
	_, err := srv.SetStatus(seeded[3].ID, devicestate.StatusAbnormal, changed)
	require.NoError(t, err)
	got, err := c.Get(ctx, seeded[3].ID)
	require.NoError(t, err)
	assert.Equal(t, devicestate.StatusAbnormal, got.Status)
	assert.Equal(t, changed, got.StatusChangedAt, "to the millisecond")
	assert.False(t, got.Connected())
	assert.True(t, got.Status.Disconnected())
}

func TestGetUnknownDeviceIsNotFound(t *testing.T) {
	_, c, _ := fake(t, 1)
	_, err := c.Get(context.Background(), "no_such_device")
	require.ErrorIs(t, err, iotclient.ErrNotFound)
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "IOTDA.014000", ae.Code)
}

func TestGetRefusesABadIDBeforeAnyRequest(t *testing.T) {
	srv, c, _ := fake(t, 1)
	for _, id := range []string{"", "a b", "a/b", string(make([]byte, 129))} {
		_, err := c.Get(context.Background(), id)
		requireInvalid(t, err, "deviceID")
	}
	assert.Zero(t, srv.Requests())
}

func TestGetDecodesThePlatformsSpellings(t *testing.T) {
	c, mt := unit(t)
	mt.RegisterResponder("GET", unitBase+"/devices/d1", httpmock.NewStringResponder(200, `{
		"app_id":"app","app_name":"app","device_id":"d1","node_id":"n1","gateway_id":"gw","device_name":"meter",
		"node_type":"ENDPOINT","description":"x","fw_version":"1.0","sw_version":"2.0","device_sdk_version":"C_v0.5.0",
		"product_id":"p1","product_name":"Meter","status":"FREEZED","create_time":"20151212T121212Z",
		"connection_status_update_time":"2015-12-12T12:12:12.815Z","active_time":"2015-12-12T12:13:00.000Z",
		"tags":[{"tag_key":"site","tag_value":"berlin"},{"tag_key":"bare"}],"extension_info":{"a":1},"new_field":true}`))
	d, err := c.Get(context.Background(), "d1")
	require.NoError(t, err)
	assert.Equal(t, devicestate.Device{
		ID: "d1", NodeID: "n1", Name: "meter", ProductID: "p1", ProductName: "Meter", GatewayID: "gw", AppID: "app",
		NodeType: devicestate.NodeEndpoint, Status: devicestate.StatusFrozen,
		StatusChangedAt: time.Date(2015, 12, 12, 12, 12, 12, 815e6, time.UTC),
		ActivatedAt:     time.Date(2015, 12, 12, 12, 13, 0, 0, time.UTC),
		CreatedAt:       time.Date(2015, 12, 12, 12, 12, 12, 0, time.UTC),
		FirmwareVersion: "1.0", SoftwareVersion: "2.0",
		Tags: []devicestate.Tag{{Key: "site", Value: "berlin"}, {Key: "bare"}},
	}, d)
	assert.False(t, d.Direct())

	mt.RegisterResponder("GET", unitBase+"/devices/d2", httpmock.NewStringResponder(200, `{"device_id":"d2","status":"REBOOTING"}`))
	d, err = c.Get(context.Background(), "d2")
	require.NoError(t, err)
	assert.Equal(t, devicestate.Status("REBOOTING"), d.Status, "an unknown status is kept")
	assert.False(t, d.Status.Known())
	assert.True(t, d.Direct())
}

func TestGetRefusesAMalformedAnswer(t *testing.T) {
	c, mt := unit(t)
	for body, want := range map[string]string{
		`null`: "null",
		`{"device_id":"d1","connection_status_update_time":"yesterday"}`: "connection_status_update_time",
		`{"status":"ONLINE"}`:              "device_id",
		`{"device_id":"d1","tags":"site"}`: "tags",
	} {
		mt.RegisterResponder("GET", unitBase+"/devices/d1", httpmock.NewStringResponder(200, body))
		_, err := c.Get(context.Background(), "d1")
		require.ErrorIs(t, err, iotclient.ErrMalformedResponse, body)
		assert.Contains(t, err.Error(), want)
	}
	mt.RegisterResponder("GET", unitBase+"/devices/d1", httpmock.NewStringResponder(http.StatusForbidden,
		`{"error_code":"IOTDA.000004","error_msg":"Invalid access token."}`))
	_, err := c.Get(context.Background(), "d1")
	require.ErrorIs(t, err, iotclient.ErrForbidden)
}
