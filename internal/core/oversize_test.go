package core

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// oversize answers status with a body of n bytes; known says whether the
// response announces its length.
func oversize(status, n int, known bool) httpmock.Responder {
	body := `{"error_code":"IOTDA.000000","error_msg":"` + strings.Repeat("x", n) + `"}`
	return func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		if !known {
			resp.ContentLength = -1
		}
		resp.Request = r
		return resp, nil
	}
}

// An error answer whose body exceeds the size cap keeps its status: a 503
// is still a server error and is retried; only the body is cut, and the
// APIError says so.
func TestOversizeErrorBodyKeepsItsStatus(t *testing.T) {
	for _, known := range []bool{true, false} {
		t.Run(map[bool]string{true: "length announced", false: "length unknown"}[known], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, mt, _ := newTestClient(t, iotclient.WithMaxResponseSize(4096), iotclient.WithRetry(2))
				mt.RegisterResponder("GET", testBase+"/x", oversize(503, 10000, known))
				_, err := c.Do(context.Background(), get("/x"), nil)
				require.ErrorIs(t, err, iotclient.ErrServer)
				assert.NotErrorIs(t, err, iotclient.ErrMalformedResponse)
				ae, ok := errors.AsType[*iotclient.APIError](err)
				require.True(t, ok, "%v", err)
				assert.Equal(t, 503, ae.StatusCode)
				assert.True(t, ae.Truncated)
				assert.Contains(t, err.Error(), "cut")
				assert.Equal(t, 3, mt.GetTotalCallCount(), "retried as any 503")
				assert.Equal(t, 3, ae.Attempts)

				// Then an answer that fits: the retry reads it.
				mt.Reset()
				mt.RegisterResponder("GET", testBase+"/x", seq(oversize(503, 10000, known), jsonResp(200, `{"a":"ok"}`)))
				var out struct {
					A string `json:"a"`
				}
				_, err = c.Do(context.Background(), get("/x"), &out)
				require.NoError(t, err)
				assert.Equal(t, "ok", out.A)
			})
		})
	}
}

// A 401 with an oversize body still makes the credential replace its
// token, and the request is repeated with the new one.
func TestOversize401StillRefreshes(t *testing.T) {
	cred := &rotatingCred{}
	c, mt := newRefreshClient(t, cred)
	c.settings.MaxResponseSize = 4096
	var mu sync.Mutex
	var seen []string
	mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		tok := r.Header.Get("X-Auth-Token")
		seen = append(seen, tok)
		if tok == "token-2" {
			return jsonResp(200, `{}`)(r)
		}
		return oversize(401, 10000, true)(r)
	})
	info, err := c.Do(context.Background(), get("/x"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"token-1", "token-2"}, seen)
	assert.Equal(t, []string{"token-1"}, cred.invalidated)
	assert.Equal(t, 2, info.Attempts)

	// A 401 that stays: the error is ErrUnauthorized, not a malformed 200.
	mt.Reset()
	mt.RegisterResponder("GET", testBase+"/x", oversize(401, 10000, false))
	_, err = c.Do(context.Background(), get("/x"), nil)
	require.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.NotErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.NotContains(t, err.Error(), "status 200")
}

// The body of a 2xx over the cap is still an error: it cannot be decoded
// whole.
func TestOversizeSuccessBodyIsMalformed(t *testing.T) {
	c, mt, _ := newTestClient(t, iotclient.WithMaxResponseSize(4096))
	mt.RegisterResponder("GET", testBase+"/x", oversize(200, 10000, false))
	var out struct{}
	_, err := c.Do(context.Background(), get("/x"), &out)
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
