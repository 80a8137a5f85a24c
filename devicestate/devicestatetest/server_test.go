package devicestatetest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
)

var now = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func TestAddFillsDefaultsAndGetReadsThem(t *testing.T) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(now))
	defer srv.Close()
	c, err := srv.NewClient()
	require.NoError(t, err)
	require.NoError(t, srv.Add(
		devicestate.Device{ID: "gw-1", Status: devicestate.StatusOnline, StatusChangedAt: now},
		devicestate.Device{ID: "sub-1", GatewayID: "gw-1", Status: devicestate.StatusInactive, Tags: []devicestate.Tag{{Key: "k", Value: "v"}}},
	))
	gw, err := c.Get(context.Background(), "gw-1")
	require.NoError(t, err)
	assert.Equal(t, devicestate.StatusOnline, gw.Status)
	assert.Equal(t, now, gw.CreatedAt)
	assert.Equal(t, now, gw.StatusChangedAt)
	assert.Equal(t, "gw-1", gw.GatewayID)
	assert.Equal(t, devicestate.NodeGateway, gw.NodeType)
	sub, ok := srv.Device("sub-1")
	require.True(t, ok)
	blank, _ := srv.Device("gw-1")
	require.NoError(t, srv.Add(devicestate.Device{ID: "prod9_node-3"}))
	d3, _ := srv.Device("prod9_node-3")
	assert.Equal(t, devicestate.StatusInactive, d3.Status, "registered, never connected")
	assert.Equal(t, "prod9", d3.ProductID, "the product and node of IoTDA's ID shape")
	assert.Equal(t, "node-3", d3.NodeID)
	assert.Equal(t, blank.AppID, d3.AppID)
	assert.Equal(t, devicestate.NodeEndpoint, sub.NodeType)
	assert.True(t, sub.ActivatedAt.IsZero(), "INACTIVE: never activated")
	assert.Equal(t, []devicestate.Tag{{Key: "k", Value: "v"}}, sub.Tags)
	got, err := c.Get(context.Background(), "sub-1")
	require.NoError(t, err)
	assert.Equal(t, sub, got)

	at := now.Add(90 * time.Second)
	d, err := srv.SetStatus("sub-1", devicestate.StatusOnline, at)
	require.NoError(t, err)
	assert.Equal(t, at, d.StatusChangedAt)
	assert.Equal(t, at, d.ActivatedAt)
	got, err = c.Get(context.Background(), "sub-1")
	require.NoError(t, err)
	assert.Equal(t, d, got)

	_, err = srv.SetStatus("sub-1", "REBOOTING", at)
	require.Error(t, err)
	_, err = srv.SetStatus("nobody", devicestate.StatusOnline, at)
	require.Error(t, err)
	var ve *iotclient.ValidationError
	require.ErrorAs(t, srv.Add(devicestate.Device{ID: "ok"}, devicestate.Device{ID: "not ok"}), &ve)
	assert.Equal(t, "Device[1].ID", ve.Field)
	_, ok = srv.Device("ok")
	assert.False(t, ok, "nothing is stored")
	assert.Len(t, srv.Devices(), 3)
}

func TestSeedIsDeterministicAndListed(t *testing.T) {
	a := devicestatetest.NewServer(devicestatetest.WithNow(now))
	defer a.Close()
	b := devicestatetest.NewServer(devicestatetest.WithNow(now))
	defer b.Close()
	sa, sb := a.Seed(60, 4), b.Seed(60, 4)
	assert.Equal(t, sa, sb)
	assert.Equal(t, sa, a.Devices())
	c, err := a.NewClient()
	require.NoError(t, err)
	p, err := c.ListPage(context.Background(), devicestate.ListQuery{PageSize: 5})
	require.NoError(t, err)
	assert.Equal(t, sa[0].ID, p.Items[0].ID)
	assert.Equal(t, 60, p.Total)
	assert.Equal(t, now, a.Now())
}

func TestFaultsAndSearchRule(t *testing.T) {
	srv := devicestatetest.NewServer()
	defer srv.Close()
	srv.Seed(10, 1)
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)
	srv.FailNext(1, devicestatetest.Fault{Status: http.StatusTooManyRequests})
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.ErrorIs(t, err, iotclient.ErrRateLimited)
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Requests())

	// Two searches within a second: the fake answers the second 429
	// unless the interval is lifted.
	cfg := srv.Config()
	cfg.SearchInterval = -1
	fast, err := devicestate.NewClient(cfg, iotclient.WithRetry(0))
	require.NoError(t, err)
	_, err = fast.SearchPage(context.Background(), devicestate.SearchQuery{})
	require.NoError(t, err)
	_, err = fast.SearchPage(context.Background(), devicestate.SearchQuery{})
	require.ErrorIs(t, err, iotclient.ErrRateLimited)
	srv.SetSearchInterval(0)
	_, err = fast.SearchPage(context.Background(), devicestate.SearchQuery{})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Searches())
}

func TestLatencyFaultRateAndHandler(t *testing.T) {
	srv := devicestatetest.NewServer()
	defer srv.Close()
	srv.Seed(3, 1)
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)

	srv.SetFaultRate(1, 7, devicestatetest.Fault{Status: http.StatusServiceUnavailable})
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.ErrorIs(t, err, iotclient.ErrServer)
	srv.SetFaultRate(1, 7) // the default faults
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.Error(t, err)
	srv.ClearFaults()

	srv.SetLatency(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = c.ListPage(ctx, devicestate.ListQuery{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	srv.ClearFaults()
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.NoError(t, err)

	// The handler serves the same fake on another server.
	assert.NotNil(t, srv.Handler())
	assert.Contains(t, srv.URL(), "http://127.0.0.1:")
	_, ok := srv.Device("nobody")
	assert.False(t, ok)
}

func TestWithClockDatesStatusChanges(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 678e6, time.UTC)
	srv := devicestatetest.NewServer(devicestatetest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	require.NoError(t, srv.Add(devicestate.Device{ID: "d1", Status: devicestate.StatusInactive}))
	d, err := srv.SetStatus("d1", devicestate.StatusOnline, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, at, d.StatusChangedAt)
	assert.Equal(t, at, d.ActivatedAt)
}
