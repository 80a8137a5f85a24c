package mockserver

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A device's status is one: what the fake pushes for a change is what its
// device routes answer after it, and the pushed header is the device's
// registration.
func TestDeviceStatusPushedIsTheStatusServed(t *testing.T) {
	s, clk, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1}})
	devs := s.SeedDevices(20, 3)
	var sub Device
	for _, d := range devs {
		if d.NodeType == NodeEndpoint {
			sub = d
			break
		}
	}
	require.NotEmpty(t, sub.ID, "the seed has a sub-device")
	assert.Zero(t, s.PushStats().Events, "seeding pushes nothing")

	clk.Advance(time.Minute)
	at := clk.Now().Add(-1500 * time.Millisecond)
	_, err := s.SetDeviceStatus(sub.ID, DeviceAbnormal, at)
	require.NoError(t, err)
	require.NoError(t, s.SetDeviceConnection(sub.ID, DeviceAbnormal), "no change, no document")
	clk.Advance(time.Second)
	require.NoError(t, s.SetDeviceConnection(sub.ID, DeviceOnline))
	docs := r.waitFor(t, 2)
	settle(t, s)
	require.Len(t, r.docs(), 2)

	abnormal, online := docs[0].doc, docs[1].doc
	assert.Equal(t, DeviceAbnormal, abnormal.NotifyData.Body.Status)
	assert.Equal(t, at.Format(pushMSLayout), abnormal.NotifyData.Body.StatusUpdateTime)
	h := online.NotifyData.Header
	assert.Equal(t, sub.ID, h.DeviceID)
	assert.Equal(t, sub.ProductID, h.ProductID)
	assert.Equal(t, sub.NodeID, h.NodeID)
	assert.Equal(t, sub.GatewayID, h.GatewayID, "a sub-device's gateway")
	assert.Equal(t, sub.AppID, h.AppID)

	var shown wireDevice
	resp := iotda(t, s, http.MethodGet, sub.ID, "", nil, nil)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	resp.decode(t, &shown)
	assert.Equal(t, DeviceOnline, shown.Status)
	assert.Equal(t, online.NotifyData.Body.StatusUpdateTime, shown.ConnectionStatusUpdateTime)
	assert.Equal(t, online.NotifyData.Body.LastOnlineTime, compact(clk.Now()))
}
