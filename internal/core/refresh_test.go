package core

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// rotatingCred hands out token-1, token-2, ...: each Invalidate of the
// current token moves to the next one.
type rotatingCred struct {
	mu          sync.Mutex
	gen         int
	invalidated []string // the token each Invalidate saw in the sent request
}

func (c *rotatingCred) current() string {
	return "token-" + string(rune('0'+c.gen+1))
}

func (c *rotatingCred) Apply(r *http.Request, _ []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r.Header.Set("X-Auth-Token", c.current())
	return nil
}

func (c *rotatingCred) Invalidate(sent *http.Request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	tok := ""
	if sent != nil {
		tok = sent.Header.Get("X-Auth-Token")
	}
	c.invalidated = append(c.invalidated, tok)
	if tok == "" || tok == c.current() {
		c.gen++
	}
	return true
}

func newRefreshClient(t *testing.T, cred Credential) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	s := Settings([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: mt})})
	c, err := New(testBase, cred, s, nil)
	require.NoError(t, err)
	return c, mt
}

// tokenGate answers 401 unless the request carries one of the good tokens,
// and records the tokens it saw.
func tokenGate(seen *[]string, good ...string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		tok := r.Header.Get("X-Auth-Token")
		*seen = append(*seen, tok)
		status, body := 401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: token expired"}`
		for _, g := range good {
			if tok == g {
				status, body = 200, `{"ok":true}`
			}
		}
		resp := httpmock.NewStringResponse(status, body)
		resp.Request = r // as net/http does
		return resp, nil
	}
}

func TestRefreshOn401RepeatsOnce(t *testing.T) {
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			cred := &rotatingCred{}
			c, mt := newRefreshClient(t, cred)
			var seen []string
			mt.RegisterResponder(method, testBase+"/x", tokenGate(&seen, "token-2"))
			var out struct {
				OK bool `json:"ok"`
			}
			info, err := c.Do(context.Background(), Request{Method: method, Path: "/x", Body: map[string]int{"a": 1}, Idempotent: method == "GET"}, &out)
			require.NoError(t, err)
			assert.True(t, out.OK)
			assert.Equal(t, []string{"token-1", "token-2"}, seen, "one repeat with the new token, even for a POST")
			assert.Equal(t, []string{"token-1"}, cred.invalidated, "the token that was refused is invalidated")
			assert.Equal(t, 2, info.Attempts)
		})
	}
}

func TestRefreshOn401OnlyOnce(t *testing.T) {
	cred := &rotatingCred{}
	c, mt := newRefreshClient(t, cred)
	var seen []string
	mt.RegisterResponder("GET", testBase+"/x", tokenGate(&seen))
	_, err := c.Do(context.Background(), get("/x"), nil)
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Equal(t, "APIGW.0301", ae.Code)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "one refresh and one repeat, then the 401 is reported")
	assert.Equal(t, []string{"token-1"}, cred.invalidated)
	assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
}

func TestNo401RepeatWithoutRefresher(t *testing.T) {
	c, mt, cred := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(401, `{"error_code":"APIGW.0301","error_msg":"bad token"}`))
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a static credential cannot do better: never repeated")
	assert.Equal(t, int32(1), cred.n.Load())
}

func TestNoRepeatForOtherStatuses(t *testing.T) {
	cred := &rotatingCred{}
	c, mt := newRefreshClient(t, cred)
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(403, `{"error_code":"IOTDA.000004","error_msg":"Invalid access token"}`))
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.ErrorIs(t, err, iotclient.ErrForbidden)
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.Empty(t, cred.invalidated)
}

func TestRefreshRepeatReadsTheNewBody(t *testing.T) {
	cred := &rotatingCred{}
	c, mt := newRefreshClient(t, cred)
	var seen []string
	mt.RegisterResponder("GET", testBase+"/x", tokenGate(&seen, "token-2"))
	var out map[string]any
	_, err := c.Do(context.Background(), get("/x"), &out)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"ok": true}, out, "the 401's body does not leak into the answer")
}

var _ Refresher = (*rotatingCred)(nil)
