package clientstate_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
)

const (
	testKey   = "a-ab12cd-unittestkey"
	testToken = "unit-test-token-secret-0001"
)

// recorder is an httpmock transport that records every request it answers.
type recorder struct {
	*httpmock.MockTransport
	mu   sync.Mutex
	reqs []*http.Request
}

// requests returns the requests sent so far.
func (r *recorder) requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

// handle answers every request with h, recording it.
func (r *recorder) handle(h func(*http.Request) (*http.Response, error)) {
	r.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		r.reqs = append(r.reqs, req)
		r.mu.Unlock()
		return h(req)
	})
}

// newUnitClient builds a client for org ab12cd whose requests go to an
// httpmock transport, without retries.
func newUnitClient(t *testing.T, opts ...iotclient.Option) (*clientstate.Client, *recorder) {
	t.Helper()
	rec := &recorder{MockTransport: httpmock.NewMockTransport()}
	opts = append([]iotclient.Option{
		iotclient.WithHTTPClient(&http.Client{Transport: rec}),
		iotclient.WithRetry(0),
	}, opts...)
	c, err := clientstate.NewClient(clientstate.Config{OrgID: "ab12cd", Auth: auth.APIKey(testKey, testToken)}, opts...)
	require.NoError(t, err)
	return c, rec
}

// jsonResponse is a 200 (or other) response with a JSON body.
func jsonResponse(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// errorsIs is errors.Is, for asserting that an error does NOT match.
func errorsIs(err, target error) bool { return errors.Is(err, target) }
