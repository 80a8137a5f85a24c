package core

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
)

const testBase = "https://iot.example.com"

// countingCred records every Apply so tests can see per-attempt signing.
type countingCred struct {
	n    atomic.Int32
	fail error
}

func (c *countingCred) Apply(r *http.Request, body []byte) error {
	c.n.Add(1)
	if c.fail != nil {
		return c.fail
	}
	r.Header.Set("X-Auth-Token", "secret-token-value")
	return nil
}

func newTestClient(t *testing.T, opts ...iotclient.Option) (*Client, *httpmock.MockTransport, *countingCred) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cred := &countingCred{}
	s := Settings(append([]iotclient.Option{
		iotclient.WithHTTPClient(&http.Client{Transport: mt}),
		iotclient.WithBackoff(10*time.Millisecond, 100*time.Millisecond),
	}, opts...))
	c, err := New(testBase, cred, s, http.Header{"Instance-Id": {"inst-1"}})
	require.NoError(t, err)
	return c, mt, cred
}

func jsonResp(status int, body string, hdr ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r, nil
	}
}

func get(path string) Request { return Request{Method: "GET", Path: path, Idempotent: true} }

func TestDoDecodesAndSetsHeaders(t *testing.T) {
	c, mt, cred := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "iotclient-go/"+iotclient.Version, r.Header.Get("User-Agent"))
		assert.Equal(t, "inst-1", r.Header.Get("Instance-Id"))
		assert.Equal(t, "secret-token-value", r.Header.Get("X-Auth-Token"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		return jsonResp(200, `{"a":"b"}`, "X-Request-Id", "req-9")(r)
	})
	var out struct {
		A string `json:"a"`
	}
	info, err := c.Do(context.Background(), get("/x"), &out)
	require.NoError(t, err)
	assert.Equal(t, "b", out.A)
	assert.Equal(t, "req-9", info.RequestID)
	assert.Equal(t, 1, info.Attempts)
	assert.EqualValues(t, 1, cred.n.Load())
}

func TestUserAgentPrefix(t *testing.T) {
	c, mt, _ := newTestClient(t, iotclient.WithUserAgent("fleet/1.0"))
	mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "fleet/1.0 iotclient-go/"+iotclient.Version, r.Header.Get("User-Agent"))
		return jsonResp(200, `{}`)(r)
	})
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.NoError(t, err)
}

func TestRetriesTransientThenSucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, cred := newTestClient(t)
		mt.RegisterResponder("GET", testBase+"/x", httpmock.ResponderFromMultipleResponses([]*http.Response{
			httpmock.NewStringResponse(503, `{"message":"busy"}`),
			httpmock.NewStringResponse(429, `{"error_code":"APIGW.0308","error_msg":"throttled"}`),
			httpmock.NewStringResponse(200, `{"a":"ok"}`),
		}))
		var out struct {
			A string `json:"a"`
		}
		info, err := c.Do(context.Background(), get("/x"), &out)
		require.NoError(t, err)
		assert.Equal(t, "ok", out.A)
		assert.Equal(t, 3, info.Attempts)
		assert.EqualValues(t, 3, cred.n.Load(), "the credential is applied on every attempt")
	})
}

func TestRetriesExhaustedReportLastAPIError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithRetry(2))
		mt.RegisterResponder("GET", testBase+"/x",
			jsonResp(503, `{"error_code":"IOTDA.000001","error_msg":"unavailable"}`, "X-Request-Id", "r-503"))
		_, err := c.Do(context.Background(), get("/x"), nil)
		var ae *iotclient.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Equal(t, "IOTDA.000001", ae.Code)
		assert.Equal(t, "r-503", ae.RequestID)
		assert.Equal(t, 3, ae.Attempts)
		assert.Equal(t, 3, mt.GetTotalCallCount())
		assert.Contains(t, err.Error(), "after 3 attempts")
		assert.NotContains(t, err.Error(), "giving up")
		assert.ErrorIs(t, err, iotclient.ErrServer)
	})
}

func TestNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		req    Request
	}{
		{"401", 401, get("/x")},
		{"404", 404, get("/x")},
		{"400", 400, get("/x")},
		{"POST 503", 503, Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}}},
		{"POST 429", 429, Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, mt, _ := newTestClient(t)
				mt.RegisterResponder(tc.req.Method, testBase+"/x", jsonResp(tc.status, `{"message":"no"}`))
				_, err := c.Do(context.Background(), tc.req, nil)
				var ae *iotclient.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.status, ae.StatusCode)
				assert.Equal(t, 1, mt.GetTotalCallCount())
			})
		})
	}
}

func TestPOSTRetriedOnlyOnDialFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t)
		mt.RegisterResponder("POST", testBase+"/dial", seq(func(*http.Request) (*http.Response, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		}, jsonResp(200, `{}`)))
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/dial", Body: 1}, nil)
		require.NoError(t, err)

		mt.RegisterResponder("POST", testBase+"/reset", func(*http.Request) (*http.Response, error) {
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		})
		mt.ZeroCallCounters()
		_, err = c.Do(context.Background(), Request{Method: "POST", Path: "/reset", Body: 1}, nil)
		require.Error(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a write that may have reached the server is not repeated")
	})
}

func TestRetryAfterHonouredInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t)
		mt.RegisterResponder("GET", testBase+"/x", seq(jsonResp(429, `{}`, "Retry-After", "7"), jsonResp(200, `{}`)))
		start := time.Now()
		_, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)
		assert.Equal(t, 7*time.Second, time.Since(start))
	})
}

func TestRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t)
		at := time.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
		mt.RegisterResponder("GET", testBase+"/x", seq(jsonResp(503, `{}`, "Retry-After", at), jsonResp(200, `{}`)))
		start := time.Now()
		_, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)
		assert.InDelta(t, 12*time.Second, time.Since(start), float64(time.Second))
	})
}

func TestRetryAfterOverCapFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t)
		mt.RegisterResponder("GET", testBase+"/x", jsonResp(429, `{"error_code":"APIGW.0308","error_msg":"slow down"}`, "Retry-After", "3600"))
		start := time.Now()
		_, err := c.Do(context.Background(), get("/x"), nil)
		assert.Zero(t, time.Since(start), "no sleeping for an hour")
		var ae *iotclient.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, time.Hour, ae.RetryAfter)
		assert.ErrorIs(t, err, iotclient.ErrRateLimited)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestBackoffEndsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithBackoff(time.Minute, time.Hour), iotclient.WithRetry(5))
		mt.RegisterResponder("GET", testBase+"/x", jsonResp(503, `{}`))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, get("/x"), nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.LessOrEqual(t, time.Since(start), 30*time.Second)
	})
}

func TestFullJitterBounds(t *testing.T) {
	for n := range 8 {
		ceil := min(10*time.Millisecond<<n, 100*time.Millisecond)
		for range 200 {
			d := jitter(10*time.Millisecond, 100*time.Millisecond, n)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceil)
		}
	}
}

func TestMalformedResponses(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":    "<html>oops</html>",
		"wrong types": `{"a": 5}`,
		"empty":       "",
	} {
		t.Run(name, func(t *testing.T) {
			c, mt, _ := newTestClient(t)
			mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, body))
			var out struct {
				A string `json:"a"`
			}
			_, err := c.Do(context.Background(), get("/x"), &out)
			require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
			assert.Contains(t, err.Error(), "status 200")
		})
	}
}

func TestBodyOverCap(t *testing.T) {
	c, mt, _ := newTestClient(t, iotclient.WithMaxResponseSize(4096))
	big := `{"a":"` + strings.Repeat("x", 10000) + `"}`
	mt.RegisterResponder("GET", testBase+"/x", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(200, big)
		r.ContentLength = -1 // unknown length: the cap must hold while reading
		return r, nil
	})
	var out struct {
		A string `json:"a"`
	}
	_, err := c.Do(context.Background(), get("/x"), &out)
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "4 KiB")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestAPIErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body, code, msg, rid string
		status                     int
		sentinel                   error
	}{
		{"iotda", `{"error_code":"IOTDA.014000","error_msg":"The device does not exist."}`, "IOTDA.014000", "The device does not exist.", "hdr", 404, iotclient.ErrNotFound},
		{"apigw", `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"body-id"}`, "APIGW.0301", "Incorrect IAM authentication information", "body-id", 401, iotclient.ErrUnauthorized},
		{"ibm", `{"message":"CUDRS0007E: bad","exception":{"id":"CUDRS0007E","properties":[]},"violations":[{"message":"limit","exception":{"id":"CUDRS0001E"}}]}`, "CUDRS0007E", "CUDRS0007E: bad", "hdr", 400, iotclient.ErrInvalidArgument},
		{"html", `<html>Forbidden</html>`, "", "<html>Forbidden</html>", "hdr", 403, iotclient.ErrForbidden},
		{"rate code", `{"error_code":"IOTDA.021101","error_msg":"limit"}`, "IOTDA.021101", "limit", "hdr", 403, iotclient.ErrRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, _ := newTestClient(t)
			hdr := []string{}
			if tc.rid == "hdr" {
				hdr = []string{"X-Request-Id", "hdr"}
			}
			mt.RegisterResponder("GET", testBase+"/x", jsonResp(tc.status, tc.body, hdr...))
			_, err := c.Do(context.Background(), get("/x"), nil)
			var ae *iotclient.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.msg, ae.Message)
			assert.Equal(t, tc.rid, ae.RequestID)
			assert.Equal(t, "GET", ae.Method)
			assert.Equal(t, testBase+"/x", ae.URL)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.NotContains(t, err.Error(), "secret-token-value")
		})
	}
}

func TestCredentialErrorIsNotRetried(t *testing.T) {
	c, mt, cred := newTestClient(t)
	cred.fail = errors.New("auth: token is empty")
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `{}`))
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.ErrorContains(t, err, "token is empty")
	assert.Equal(t, 0, mt.GetTotalCallCount())
	assert.EqualValues(t, 1, cred.n.Load())
}

func TestNoCredentialsToOtherHosts(t *testing.T) {
	c, mt, cred := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/x", func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", "https://elsewhere.example.net/y")
		return resp, nil
	})
	mt.RegisterResponder("GET", "https://elsewhere.example.net/y", func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.Header.Get("X-Auth-Token"), "a redirect to another host gets no credential")
		return jsonResp(200, `{}`)(r)
	})
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, cred.n.Load())
}

func TestNewRefusesBadEndpoints(t *testing.T) {
	s := config.Default()
	cred := &countingCred{}
	for _, ep := range []string{"", "iot.example.com", "ftp://x", "http://iot.example.com", "https://user:pw@iot.example.com", "https://x?y=1",
		"https://x.example.com?token=tok-pw", "https://x.example.com#tok-pw", "http://[::1?token=tok-pw"} {
		_, err := New(ep, cred, s, nil)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, ep)
		assert.Equal(t, "Endpoint", ve.Field)
		assert.NotContains(t, err.Error(), "pw", "no user information or query in the error")
	}
	for _, ep := range []string{"http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"} {
		_, err := New(ep, cred, s, nil)
		require.NoError(t, err, ep)
	}
	_, err := New("https://iot.example.com", nil, s, nil)
	require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	s.AllowInsecure = true
	_, err = New("http://iot.example.com", cred, s, nil)
	require.NoError(t, err)
}

func TestDebugLogPerAttemptWithoutSecrets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, mt, _ := newTestClient(t, iotclient.WithLogger(logger))
		mt.RegisterResponder("GET", testBase+"/x", seq(jsonResp(503, `{}`, "X-Request-Id", "a1"), jsonResp(200, `{}`, "X-Request-Id", "a2")))
		_, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)
		out := buf.String()
		assert.Equal(t, 2, strings.Count(out, "iotclient request"))
		assert.Contains(t, out, "attempt=1")
		assert.Contains(t, out, "attempt=2")
		assert.Contains(t, out, "status=503")
		assert.Contains(t, out, "request_id=a2")
		assert.NotContains(t, out, "secret-token-value")
	})
}

// seq answers with each responder in turn, then repeats the last.
func seq(rs ...httpmock.Responder) httpmock.Responder {
	var n atomic.Int32
	return func(r *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return rs[min(i, len(rs)-1)](r)
	}
}

func TestRateLimiterWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One request a minute: the second call would wait a minute.
		c, mt, _ := newTestClient(t, iotclient.WithRateLimit(1.0/60, 1))
		mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `{}`))
		_, err := c.Do(context.Background(), get("/x"), nil)
		require.NoError(t, err)

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err = c.Do(ctx, get("/x"), nil)
		require.Error(t, err)
		assert.LessOrEqual(t, time.Since(start), 2*time.Second, "the wait ends with the context")
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestRateLimiterPacesAttempts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt, _ := newTestClient(t, iotclient.WithRateLimit(10, 1))
		mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `{}`))
		start := time.Now()
		for range 11 {
			_, err := c.Do(context.Background(), get("/x"), nil)
			require.NoError(t, err)
		}
		assert.GreaterOrEqual(t, time.Since(start), time.Second, "11 calls at 10/s take a second")
	})
}

type typedDecodeErr struct{ offset int }

func (e *typedDecodeErr) Error() string { return "bad at " + strconv.Itoa(e.offset) }

type failingDecoder struct{}

func (*failingDecoder) UnmarshalJSON([]byte) error { return &typedDecodeErr{46} }

func TestDecoderErrorStaysReachable(t *testing.T) {
	c, mt, _ := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/x", jsonResp(200, `{}`))
	_, err := c.Do(context.Background(), get("/x"), new(failingDecoder))
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	var te *typedDecodeErr
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 46, te.offset)
	assert.Contains(t, err.Error(), "bad at 46")
}
