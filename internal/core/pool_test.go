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

// Pooled attempts must start every call afresh.
func TestPooledAttemptsDoNotLeakState(t *testing.T) {
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

func TestRawQuery(t *testing.T) {
	c, mt, _ := newTestClient(t)
	var got []string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.String())
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	for _, r := range []Request{
		{Path: "/p", RawQuery: "b=2&a=1"},
		{Path: "/p", Query: url.Values{"z": {"9"}}, RawQuery: "b=2"},
		{Path: "/p", Query: url.Values{"x": {"1"}}},
		{Path: "/p"},
	} {
		r.Method = "GET"
		_, err := c.Do(context.Background(), r, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{
		testBase + "/p?b=2&a=1",
		testBase + "/p?z=9&b=2",
		testBase + "/p?x=1",
		testBase + "/p",
	}, got)
}

func TestCloneHeaderIsIndependent(t *testing.T) {
	h := http.Header{"A": {"1", "2"}, "B": {"3"}, "C": nil}
	c := cloneHeader(h, 2)
	assert.Equal(t, h, c)
	c.Add("A", "x") // an append must not write into h's values
	c.Add("B", "y")
	c.Set("D", "z")
	assert.Equal(t, http.Header{"A": {"1", "2"}, "B": {"3"}, "C": nil}, h)
	assert.Equal(t, []string{"1", "2", "x"}, c["A"])
	assert.Equal(t, []string{"3", "y"}, c["B"])
}

// The transport must not change the request it is given, even though it
// no longer clones all of it.
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
