package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// echoSecret is a token with the characters IBM tokens hold.
const echoSecret = "Sec-Tok&(1)!?abcdefghijklmnop"

// secretCred sends echoSecret and lists it as its secret, as package auth's
// credentials do.
type secretCred struct{}

func (secretCred) Apply(r *http.Request, _ []byte) error {
	r.Header.Set("X-Auth-Token", echoSecret)
	return nil
}

func (secretCred) Secrets() []string { return []string{echoSecret} }

func newSecretClient(t *testing.T, opts ...iotclient.Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	s := Settings(append([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithRetry(0)}, opts...))
	c, err := New(testBase, secretCred{}, s, nil)
	require.NoError(t, err)
	return c, mt
}

// The debug event's request ID comes from the server: an echoed token is
// scrubbed from it.
func TestDebugLogScrubsTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newSecretClient(t, iotclient.WithLogger(logger))
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `{}`, "X-Request-Id", "rid-"+echoSecret))
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "request_id=rid-[redacted]")
	assert.NotContains(t, buf.String(), "Sec-Tok")
}

// A 2xx body whose value cannot be decoded puts that value in the JSON
// library's *SemanticError: in its text below 100 bytes, only in its
// JSONValue above. Neither the text nor any error reachable from the
// result holds the echoed token, and the sentinel still matches.
func TestScrubbedErrorDoesNotWrapTheSecret(t *testing.T) {
	for name, value := range map[string]string{
		"short value": echoSecret,
		"long value":  strings.Repeat("x", 100) + echoSecret,
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := newSecretClient(t)
			mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, fmt.Sprintf(`{"n":%q}`, value)))
			var out struct {
				N int `json:"n,string"` // the error quotes the string
			}
			_, err := c.Do(context.Background(), get("/x"), &out)
			require.Error(t, err)
			assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
			var se *json.SemanticError
			if errors.As(err, &se) {
				assert.NotContains(t, string(se.JSONValue), "Sec-Tok", "errors.As reaches the decoder's error with the token")
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				assert.NotContains(t, e.Error(), "Sec-Tok")
			}
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err), "Sec-Tok")
		})
	}
}

// A scrubbed error keeps the cleaned *APIError reachable, and its sentinel.
func TestScrubbedErrorKeepsTheAPIError(t *testing.T) {
	c, mt := newSecretClient(t)
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(404, `{"error_code":"E","error_msg":"no such token `+echoSecret+`"}`))
	_, err := c.Do(context.Background(), get("/x"), nil)
	wrapped := c.Scrub(fmt.Errorf("wrapped: %w, token %s", err, echoSecret))
	assert.ErrorIs(t, wrapped, iotclient.ErrNotFound)
	var ae *iotclient.APIError
	require.ErrorAs(t, wrapped, &ae)
	assert.Equal(t, "no such token [redacted]", ae.Message)
	assert.Equal(t, "wrapped: iotclient: GET "+testBase+"/x: 404 E: no such token [redacted], token [redacted]", wrapped.Error())
}

// A non-JSON error body is scrubbed before it is cut to a snippet: a token
// that straddles the cut shows no part of itself.
func TestSnippetIsCutAfterScrubbing(t *testing.T) {
	c, mt := newSecretClient(t)
	body := "<html>" + strings.Repeat("y", 180) + echoSecret + strings.Repeat("z", 50) + "</html>"
	mt.RegisterResponder("GET", testBase+"/x", httpmock.NewStringResponder(502, body))
	_, err := c.Do(context.Background(), get("/x"), nil)
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.Message, "Sec-")
	assert.Contains(t, ae.Message, "[redacted]")
}

// The request body goes without HTML escaping, so a secret in it (the IAM
// password) is sent as itself, not as \u0026 that a server could echo.
func TestRequestBodyIsNotHTMLEscaped(t *testing.T) {
	c, mt := newSecretClient(t)
	var got string
	mt.RegisterResponder("POST", testBase+"/x", func(r *http.Request) (*http.Response, error) {
		b := new(bytes.Buffer)
		_, _ = b.ReadFrom(r.Body)
		got = b.String()
		return httpmock.NewStringResponse(204, ""), nil
	})
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]string{"password": "a&b<c>d"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"password":"a&b<c>d"}`, got)
}
