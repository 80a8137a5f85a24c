package mockserver

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var lcStart = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// lcServer is a server on a manual clock with the lifecycle on.
func lcServer(t *testing.T, l Lifecycle) (*Server, *Clock) {
	t.Helper()
	clk := NewClock(lcStart)
	s := New(WithClock(clk.Now), WithLifecycle(l))
	t.Cleanup(s.Close)
	s.AddDevice(testDevice)
	return s, clk
}

// lcCall sends a token-authenticated IoTDA request and decodes the answer.
func lcCall(t *testing.T, s *Server, method, suffix string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body, json.Deterministic(true))
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL()+"/v5/iot/"+ProjectID+"/devices/"+testDevice+suffix, rd)
	require.NoError(t, err)
	req.Header.Set(AuthTokenHeader, Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(data, out), "%s", data)
	}
	return resp.StatusCode
}

type lcRecord struct {
	ID        string         `json:"command_id"`
	Status    string         `json:"status"`
	Sent      string         `json:"sent_time"`
	Delivered string         `json:"delivered_time"`
	Responded string         `json:"response_time"`
	Result    jsontext.Value `json:"result"`
}

func lcDeliver(t *testing.T, s *Server, name, strategy string, expire int) string {
	t.Helper()
	var rec lcRecord
	status := lcCall(t, s, http.MethodPost, "/async-commands", map[string]any{
		"service_id": "Svc", "command_name": name, "paras": map[string]any{"v": 1},
		"expire_time": expire, "send_strategy": strategy,
	}, &rec)
	require.Equal(t, http.StatusOK, status)
	return rec.ID
}

func lcGet(t *testing.T, s *Server, id string) lcRecord {
	t.Helper()
	var rec lcRecord
	require.Equal(t, http.StatusOK, lcCall(t, s, http.MethodGet, "/async-commands/"+id, nil, &rec))
	return rec
}

func TestLifecycleDelaySuccessfulStepByStep(t *testing.T) {
	s, clk := lcServer(t, Lifecycle{})
	id := lcDeliver(t, s, "ON_OFF", StrategyDelay, 0)

	steps := []struct {
		advance time.Duration
		status  string
	}{
		{DefaultSendAfter - time.Second, StatusPending},
		{time.Second, StatusSent},
		{DefaultDeliverAfter, StatusDelivered},
		{DefaultRespondAfter - time.Second, StatusDelivered},
		{time.Second, StatusSuccessful},
		{time.Hour, StatusSuccessful},
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		assert.Equal(t, st.status, lcGet(t, s, id).Status, "at %s", clk.Now().Sub(lcStart))
	}
	rec := lcGet(t, s, id)
	sent := lcStart.Add(DefaultSendAfter)
	assert.Equal(t, sent.Format(TimeLayout), rec.Sent, "stamped when due")
	assert.Equal(t, sent.Add(DefaultDeliverAfter).Format(TimeLayout), rec.Delivered)
	assert.Equal(t, sent.Add(DefaultDeliverAfter+DefaultRespondAfter).Format(TimeLayout), rec.Responded)
	assert.JSONEq(t, string(LifecycleSuccessResult), string(rec.Result))
}

func TestLifecycleOutcomes(t *testing.T) {
	s, clk := lcServer(t, Lifecycle{Outcomes: map[string]string{
		"FAILS": StatusFailed, "HANGS": StatusTimeout, "OFFLINE": StatusExpired,
	}})
	ok := lcDeliver(t, s, "ON_OFF", StrategyImmediately, 0)
	fails := lcDeliver(t, s, "FAILS", StrategyImmediately, 0)
	hangs := lcDeliver(t, s, "HANGS", StrategyImmediately, 0)
	offline := lcDeliver(t, s, "OFFLINE", StrategyDelay, 3600)
	offlineNow := lcDeliver(t, s, "OFFLINE", StrategyImmediately, 0)
	shortExpire := lcDeliver(t, s, "ON_OFF", StrategyDelay, 5) // expires before SendAfter

	clk.Advance(DefaultDeliverAfter + DefaultRespondAfter)
	assert.Equal(t, StatusSuccessful, lcGet(t, s, ok).Status)
	assert.Equal(t, StatusFailed, lcGet(t, s, fails).Status)
	assert.JSONEq(t, string(LifecycleFailureResult), string(lcGet(t, s, fails).Result))
	assert.Equal(t, StatusDelivered, lcGet(t, s, hangs).Status)
	assert.Equal(t, StatusPending, lcGet(t, s, shortExpire).Status)
	assert.Equal(t, StatusPending, lcGet(t, s, offline).Status)
	clk.Set(lcStart.Add(5 * time.Second))
	assert.Equal(t, StatusExpired, lcGet(t, s, shortExpire).Status, "5 s expire < 10 s SendAfter")

	clk.Set(lcStart.Add(DefaultTimeoutAfter))
	h := lcGet(t, s, hangs)
	assert.Equal(t, StatusTimeout, h.Status)
	assert.Empty(t, h.Responded)
	assert.Equal(t, StatusTimeout, lcGet(t, s, offlineNow).Status, "an immediately command cannot expire")
	assert.Empty(t, lcGet(t, s, offlineNow).Delivered)

	clk.Set(lcStart.Add(time.Hour - time.Second))
	assert.Equal(t, StatusPending, lcGet(t, s, offline).Status)
	clk.Advance(time.Second)
	assert.Equal(t, StatusExpired, lcGet(t, s, offline).Status, "EXPIRED at created+expire_time")
}

func TestLifecycleTwentyPendingFreedByExpiry(t *testing.T) {
	s, clk := lcServer(t, Lifecycle{SendAfter: time.Hour})
	for range MaxPendingPerDev {
		lcDeliver(t, s, "ON_OFF", StrategyDelay, 60)
	}
	status := lcCall(t, s, http.MethodPost, "/async-commands", map[string]any{
		"paras": map[string]any{}, "send_strategy": StrategyDelay,
	}, nil)
	assert.Equal(t, http.StatusBadRequest, status, "the 21st PENDING command is refused")

	clk.Advance(time.Minute) // all 20 expire
	lcDeliver(t, s, "ON_OFF", StrategyDelay, 60)
	n := 0
	for _, c := range s.Commands(testDevice) {
		if c.Status == StatusExpired {
			n++
		}
	}
	assert.Equal(t, MaxPendingPerDev, n)
}

func TestLifecycleLeavesOthersAlone(t *testing.T) {
	s, clk := lcServer(t, Lifecycle{})
	seeded := s.SeedCommands("seeded-dev", 50, 3)
	explicit := Command{ID: "000000000000000000000001", Status: StatusPending, SendStrategy: StrategyDelay, Created: lcStart}
	s.AddCommands(testDevice, explicit)
	s.AddCommands(testDevice, Command{SendStrategy: StrategyDelay}) // server-made ID: driven
	moved := lcDeliver(t, s, "ON_OFF", StrategyImmediately, 0)
	require.NoError(t, s.SetCommandStatus(testDevice, moved, StatusDelivered, nil))

	clk.Advance(24 * time.Hour)
	s.runLifecycle()
	assert.Equal(t, seeded, s.Commands("seeded-dev"), "seeded commands do not move")
	got, _ := s.Command(testDevice, explicit.ID)
	assert.Equal(t, StatusPending, got.Status, "an explicit ID is not driven")
	got, _ = s.Command(testDevice, moved)
	assert.Equal(t, StatusDelivered, got.Status, "moved by SetCommandStatus: left alone")
	cmds := s.Commands(testDevice)
	assert.Equal(t, StatusSuccessful, cmds[1].Status, "AddCommands without an ID is driven")
}

func TestLifecycleOffByDefault(t *testing.T) {
	clk := NewClock(lcStart)
	s := New(WithClock(clk.Now))
	t.Cleanup(s.Close)
	s.AddDevice(testDevice)
	id := lcDeliver(t, s, "ON_OFF", StrategyDelay, 0)
	clk.Advance(48 * time.Hour)
	s.runLifecycle()
	assert.Equal(t, StatusPending, lcGet(t, s, id).Status)
}

func TestLifecycleRejectsBadOutcome(t *testing.T) {
	assert.Panics(t, func() { WithLifecycle(Lifecycle{Outcomes: map[string]string{"X": StatusSent}}) })
}

func TestClock(t *testing.T) {
	c := NewClock(lcStart)
	assert.Equal(t, lcStart, c.Now())
	assert.Equal(t, lcStart.Add(time.Minute), c.Advance(time.Minute))
	c.Set(lcStart)
	assert.Equal(t, lcStart, c.Now())
}
