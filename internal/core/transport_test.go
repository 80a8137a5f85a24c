package core

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/config"
)

func TestDefaultTransportKeepsManyIdleConnections(t *testing.T) {
	c, err := New(testBase, &countingCred{}, config.Default(), nil)
	require.NoError(t, err)
	tr := c.hc.Transport.(*transport)
	base, ok := tr.base.(*http.Transport)
	require.True(t, ok)
	assert.Same(t, sharedTransport(), base, "clients share one pool, as with http.DefaultTransport")
	assert.NotSame(t, http.DefaultTransport, base)
	assert.Equal(t, 100, base.MaxIdleConnsPerHost)
	assert.NotNil(t, base.Proxy, "the environment's proxy settings still apply")
	CloseIdleConnections()
}

// Concurrent calls share no state.
func TestConcurrentCallsDoNotShareState(t *testing.T) {
	c, mt, _ := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/big", jsonResp(200, `{"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`))
	mt.RegisterResponder("GET", testBase+"/small", jsonResp(200, `{"a":"y"}`))
	mt.RegisterResponder("POST", testBase+"/post", jsonResp(200, `{}`))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				var out struct {
					A string `json:"a"`
				}
				path := "/small"
				if (g+i)%2 == 0 {
					path = "/big"
				}
				info, err := c.Do(context.Background(), Request{Method: "GET", Path: path, Idempotent: true}, &out)
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, 1, info.Attempts)
				if path == "/small" {
					assert.Equal(t, "y", out.A)
				} else {
					assert.Len(t, out.A, 37)
				}
				_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/post", Body: map[string]int{"i": i}}, nil)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
}

func TestQueryEncoding(t *testing.T) {
	c, mt, _ := newTestClient(t)
	var got []string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.String())
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	for _, q := range []url.Values{{"z": {"a b+c"}, "b": {"2"}}, nil} {
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/p", Query: q}, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{testBase + "/p?b=2&z=a%20b%2Bc", testBase + "/p"}, got)
}

// A POST without a body still says it speaks JSON (IoTDA's history count).
func TestPOSTWithoutBodyIsJSON(t *testing.T) {
	c, mt, _ := newTestClient(t)
	var ct []string
	var n []int64
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		ct, n = append(ct, r.Header.Get("Content-Type")), append(n, r.ContentLength)
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	for _, m := range []string{"POST", "GET"} {
		_, err := c.Do(context.Background(), Request{Method: m, Path: "/p"}, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"application/json", ""}, ct)
	assert.Equal(t, []int64{0, 0}, n)
}

// The transport must not change the request it is given.
func TestTransportLeavesTheRequestAlone(t *testing.T) {
	c, mt, _ := newTestClient(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{}`))
	tr := c.hc.Transport.(*transport)
	req, err := http.NewRequest("GET", testBase+"/p?q=1", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	before := req.Header.Clone()
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, before, req.Header)
	assert.Equal(t, "secret-token-value", resp.Request.Header.Get("X-Auth-Token"), "the request sent carries the credential")
}
