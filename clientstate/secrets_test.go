package clientstate_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/pagination"
)

// Errors the clientstate package builds after the HTTP core quote values
// the server sent (request ID, bookmark): a server that echoes the token
// into them does not get it into the error.
func TestErrorsBuiltAfterTheCoreAreScrubbed(t *testing.T) {
	const tok = "IBM-Echo&(tok)!?en" // IBM tokens hold & ( ) ! ?
	ctx := context.Background()
	for name, tc := range map[string]struct {
		body     string
		call     func(c *clientstate.Client) error
		sentinel error
	}{
		"no enabled field (Enabled)": {`{}`, func(c *clientstate.Client) error {
			_, err := c.Enabled(ctx)
			return err
		}, iotclient.ErrMalformedResponse},
		"page too long (listPage)": {`{"results":` + statesJSON(0, 2) + `}`, func(c *clientstate.Client) error {
			_, err := c.ListPage(ctx, clientstate.ListQuery{PageSize: 1})
			return err
		}, iotclient.ErrMalformedResponse},
		"bookmark cycle (pagination)": {`{"results":` + statesJSON(0, 1) + `,"bookmark":"bm-` + tok + `"}`, func(c *clientstate.Client) error {
			var last error
			for _, err := range c.List(ctx, clientstate.ListQuery{PageSize: 1}) {
				last = err
			}
			return last
		}, pagination.ErrStuckCursor},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := clientstate.NewClient(clientstate.Config{OrgID: "ab12cd", Auth: auth.APIKey(testKey, tok)},
				iotclient.WithHTTPClient(&http.Client{Transport: echoTransport{tc.body, "req-" + tok}}), iotclient.WithRetry(0))
			require.NoError(t, err)
			err = tc.call(c)
			require.ErrorIs(t, err, tc.sentinel)
			assert.Contains(t, err.Error(), "[redacted]")
			for e := error(err); e != nil; e = unwrapOne(e) {
				assert.NotContains(t, e.Error(), "Echo&", "%T", e)
			}
		})
	}
}

// echoTransport answers every request with body and the request ID rid.
type echoTransport struct{ body, rid string }

func (e echoTransport) RoundTrip(*http.Request) (*http.Response, error) {
	resp := jsonResponse(200, e.body)
	resp.Header.Set("X-Request-Id", e.rid)
	return resp, nil
}

func unwrapOne(e error) error {
	switch u := e.(type) {
	case interface{ Unwrap() error }:
		return u.Unwrap()
	case interface{ Unwrap() []error }:
		if len(u.Unwrap()) > 0 {
			return u.Unwrap()[0]
		}
	}
	return nil
}
