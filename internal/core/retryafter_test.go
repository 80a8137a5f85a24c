package core

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// A Retry-After too large for an int64 of seconds, or an HTTP date
// centuries ahead, asks for a long wait, not none: the call fails at once
// with the rate-limit error, and both forms report the same capped wait.
func TestRetryAfterBeyondRangeFailsAtOnce(t *testing.T) {
	for name, v := range map[string]string{
		"seconds beyond int64": "99999999999999999999",
		"date far ahead":       "Fri, 31 Dec 9999 23:59:59 GMT",
	} {
		for _, status := range []int{429, 503} {
			t.Run(name+" "+http.StatusText(status), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					c, mt, _ := newTestClient(t)
					mt.RegisterResponder("GET", testBase+"/x", jsonResp(status, `{}`, "Retry-After", v))
					start := time.Now()
					_, err := c.Do(context.Background(), get("/x"), nil)
					assert.Zero(t, time.Since(start), "no retry, no sleep")
					assert.Equal(t, 1, mt.GetTotalCallCount())
					require.ErrorIs(t, err, iotclient.ErrRateLimited)
					ae, ok := errors.AsType[*iotclient.APIError](err)
					require.True(t, ok)
					assert.Equal(t, maxRetryAfterHeader, ae.RetryAfter)
				})
			})
		}
	}
}
