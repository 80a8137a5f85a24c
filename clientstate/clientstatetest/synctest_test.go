package clientstatetest_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// In a testing/synctest bubble the fake's Retry-After, its latency and
// the client's attempt timeout all pass in fake time.
func TestRetriesInASynctestBubble(t *testing.T) {
	realStart := time.Now()
	synctest.Test(t, func(t *testing.T) {
		srv := clientstatetest.NewServer()
		defer srv.Close()
		srv.Seed(30, 1)
		client, err := srv.NewClient(iotclient.WithAttemptTimeout(10 * time.Second))
		require.NoError(t, err)

		srv.FailNext(1, clientstatetest.Fault{Status: 429, RetryAfter: 2 * time.Second})
		start := time.Now()
		page, err := client.ListPage(t.Context(), clientstate.ListQuery{})
		require.NoError(t, err)
		assert.Equal(t, 30, len(page.Items), "every client, in one page")
		assert.Equal(t, 2*time.Second, time.Since(start), "the client waited the Retry-After, in fake time")
		assert.Equal(t, 2, srv.Requests())

		srv.SetLatency(time.Minute)
		start = time.Now()
		_, err = client.Get(t.Context(), page.Items[0].ClientID)
		require.ErrorIs(t, err, context.DeadlineExceeded, "every attempt outlasts the attempt timeout")
		assert.Equal(t, 2+4, srv.Requests(), "the first attempt and 3 retries")
		assert.GreaterOrEqual(t, time.Since(start), 4*10*time.Second)
	})
	real := time.Since(realStart)
	t.Logf("real time: %v", real)
	assert.Less(t, real, 500*time.Millisecond, "the fake waits took real time")
}
