package core

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// The wait for the rate limiter is not part of an attempt: twelve calls at
// once through a limiter of five a second (the last waits 2.2 s) all
// succeed under a 1 s attempt timeout, each attempt taking half of it, and
// without a retry.
func TestRateLimitWaitIsNotPartOfTheAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithRateLimit(5, 1), iotclient.WithAttemptTimeout(time.Second), iotclient.WithRetry(0))
		mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
			time.Sleep(500 * time.Millisecond) // the server's time to answer, in the bubble's clock
			return jsonResp(200, `{}`)(r)
		})
		start := time.Now()
		errs := make([]error, 12)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { _, errs[i] = c.Do(context.Background(), get("/x"), nil) })
		}
		wg.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "call %d", i)
		}
		assert.Equal(t, 12, mt.GetTotalCallCount())
		assert.GreaterOrEqual(t, time.Since(start), 2200*time.Millisecond, "11 waits of 200ms: the limiter still paces the calls")
	})
}

// A retry waits for the limiter too, after its backoff.
func TestRateLimitPacesRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithRateLimit(1, 1), iotclient.WithAttemptTimeout(100*time.Millisecond))
		var at []time.Time
		mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
			at = append(at, time.Now())
			if len(at) == 1 {
				return jsonResp(503, `{}`)(r)
			}
			return jsonResp(200, `{}`)(r)
		})
		info, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)
		assert.Equal(t, 2, info.Attempts)
		require.Len(t, at, 2)
		assert.Equal(t, time.Second, at[1].Sub(at[0]), "the retry waited for its token, past the attempt timeout")
	})
}

// A limiter wait the caller's deadline cannot cover fails the call without
// a request.
func TestRateLimitWaitPastTheCallersDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithRateLimit(1, 1))
		mt.RegisterResponder("GET", testBase+"/x", httpmock.NewStringResponder(200, `{}`))
		_, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = c.Do(ctx, get("/x"), nil)
		require.Error(t, err)
		assert.Zero(t, time.Since(start), "no waiting for a token the deadline cannot reach")
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}
