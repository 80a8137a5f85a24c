package commandstest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// The README's snippet in a testing/synctest bubble: the fake's
// Retry-After of two seconds passes in the bubble's fake time, and costs
// next to nothing of the real clock.
func TestRetryAfterInASynctestBubble(t *testing.T) {
	realStart := time.Now()
	synctest.Test(t, func(t *testing.T) {
		srv := commandstest.NewServer()
		defer srv.Close()
		srv.Seed("pump-7", 100, 1) // 100 realistic commands, the same for the same seed
		client, _ := srv.NewClient()
		srv.FailNext(1, commandstest.Fault{Status: 429, RetryAfter: 2 * time.Second})

		start := time.Now()
		page, err := client.HistoryPage(t.Context(), "pump-7", commands.HistoryQuery{})
		require.NoError(t, err)
		assert.Equal(t, 50, len(page.Items), "a full page")
		assert.Equal(t, 2*time.Second, time.Since(start), "the client waited the Retry-After, in fake time")
		assert.Equal(t, 2, srv.Requests())
	})
	real := time.Since(realStart)
	t.Logf("real time: %v", real)
	assert.Less(t, real, 500*time.Millisecond, "the two seconds of Retry-After took real time")
}

// A command's whole lifecycle (10 s pending, 1 s sent, 2 s delivered) and
// Wait's polling backoff run in fake time; so do the fake's latency and
// the client's attempt timeout.
func TestLifecycleAndLatencyInASynctestBubble(t *testing.T) {
	realStart := time.Now()
	synctest.Test(t, func(t *testing.T) {
		srv := commandstest.NewServer(commandstest.WithLifecycle(commandstest.Lifecycle{}))
		defer srv.Close()
		srv.AddDevice("pump-7")
		client, err := srv.NewClient()
		require.NoError(t, err)
		start := time.Now()
		cmd, err := client.Create(t.Context(), "pump-7", commands.NewCommand{ServiceID: "Switch", Name: "ON"})
		require.NoError(t, err)
		done, err := client.Wait(t.Context(), "pump-7", cmd.ID, commands.WaitOptions{})
		require.NoError(t, err)
		assert.Equal(t, commands.StatusSuccessful, done.Status)
		waited := time.Since(start)
		assert.GreaterOrEqual(t, waited, 13*time.Second, "pending, sent and delivered take 13 s")
		assert.Less(t, waited, time.Minute)

		srv.SetLatency(time.Hour)
		before, start := srv.Requests(), time.Now()
		_, err = client.Get(t.Context(), "pump-7", cmd.ID)
		require.ErrorIs(t, err, context.DeadlineExceeded, "every attempt outlasts the 30 s attempt timeout")
		assert.Equal(t, 4, srv.Requests()-before, "the first attempt and 3 retries")
		assert.GreaterOrEqual(t, time.Since(start), 4*30*time.Second)
	})
	assert.Less(t, time.Since(realStart), 500*time.Millisecond)
}

// A pushing fake works in a bubble when its pushes go in memory too: its
// workers and the lifecycle's ticker wait in fake time, and Close ends
// them, so the bubble can finish.
func TestPushesInASynctestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var statuses []string
		receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var doc struct {
				NotifyData struct {
					Body struct {
						Status string `json:"status"`
					} `json:"body"`
				} `json:"notify_data"`
			}
			if json.UnmarshalRead(r.Body, &doc) == nil {
				mu.Lock()
				statuses = append(statuses, doc.NotifyData.Body.Status)
				mu.Unlock()
			}
		})
		srv := commandstest.NewServer(
			commandstest.WithLifecycle(commandstest.Lifecycle{}),
			commandstest.WithPush("http://receiver.test/push", commandstest.PushOptions{
				Workers: 1, // in the order they were made
				Client:  &http.Client{Transport: iotclienttest.Transport(receiver)},
			}),
		)
		defer srv.Close()
		srv.AddDevice("pump-7")
		client, err := srv.NewClient()
		require.NoError(t, err)
		_, err = client.Create(t.Context(), "pump-7", commands.NewCommand{ServiceID: "Switch", Name: "ON"})
		require.NoError(t, err)

		time.Sleep(time.Minute) // the lifecycle moves on by itself, every 50 ms of fake time
		require.NoError(t, srv.WaitPushes(t.Context()))
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{"PENDING", "SENT", "DELIVERED", "SUCCESSFUL"}, statuses)
		assert.Equal(t, 1, srv.Requests(), "the client only delivered: the outcome came by push")
	})
}
