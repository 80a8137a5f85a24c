package core

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// An endpoint's host spelled LOCALHOST is sent as localhost, the one
// spelling Go's environment proxy exempts; a redirect to another spelling
// of the configured host is sent as configured.
func TestLoopbackHostIsNormalised(t *testing.T) {
	var hosts []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "http://LocalHost:"+srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]+"/second", http.StatusFound)
			return
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return http.DefaultTransport.RoundTrip(r)
	})
	s := Settings([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: rec})})
	c, err := New("http://LOCALHOST:"+port, secretCred{}, s, nil)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), get("/first"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"localhost:" + port, "localhost:" + port}, hosts)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
