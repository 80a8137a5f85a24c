package core

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
)

// A same-host https → http redirect is refused: the credential never
// travels in clear.
func TestDowngradeRedirectGetsNoCredentials(t *testing.T) {
	c, mt, _ := newTestClient(t)
	mt.RegisterResponder("GET", testBase+"/x", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", "http://iot.example.com/y")
		return resp, nil
	})
	var plain atomic.Int32
	mt.RegisterResponder("GET", "http://iot.example.com/y", func(r *http.Request) (*http.Response, error) {
		plain.Add(1)
		assert.Empty(t, r.Header.Get("X-Auth-Token"))
		return jsonResp(200, `{}`)(r)
	})
	_, err := c.Do(context.Background(), get("/x"), nil)
	require.ErrorContains(t, err, "changes the scheme from https to http")
	assert.Zero(t, plain.Load(), "nothing is sent over plain http")
}

// A write answered with a redirect is sent once and fails.
func TestWriteNeverFollowsARedirect(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			c, mt, _ := newTestClient(t)
			mt.RegisterResponder("POST", testBase+"/x", func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(status, "")
				resp.Header.Set("Location", testBase+"/y")
				return resp, nil
			})
			mt.RegisterResponder("POST", testBase+"/y", jsonResp(201, `{}`))
			mt.RegisterResponder("GET", testBase+"/y", jsonResp(200, `{}`))
			_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}}, nil)
			var ae *iotclient.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, status, ae.StatusCode)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "one POST, no GET, no second POST")
		})
	}
}

// loopbackClient is a client of the real endpoint u.
func loopbackClient(t *testing.T, u string, opts ...iotclient.Option) *Client {
	t.Helper()
	c, err := New(u, &countingCred{}, Settings(opts), nil)
	require.NoError(t, err)
	return c
}

// With no deadline, a silent server and a trickling body end within the
// attempt timeout (times the attempts), not never.
func TestAttemptTimeoutEndsSilenceAndTrickles(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() { // accepts, never answers
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	trickle := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(200)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(trickle.Close)
	for name, u := range map[string]string{"silent": "http://" + ln.Addr().String(), "trickle": trickle.URL} {
		t.Run(name, func(t *testing.T) {
			c := loopbackClient(t, u, iotclient.WithAttemptTimeout(300*time.Millisecond),
				iotclient.WithBackoff(time.Millisecond, 10*time.Millisecond))
			start := time.Now()
			info, err := c.Do(context.Background(), get("/x"), new(map[string]any))
			require.Error(t, err)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Equal(t, 4, info.Attempts, "a timed-out read is retried")
		})
	}
}

// Options that would overflow or disable a limit are refused, never a
// panic.
func TestJitterNeverPanics(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 62, 63, 64, 1000} {
		assert.GreaterOrEqual(t, jitter(1<<62, 1<<63-1, n), time.Duration(0))
		assert.GreaterOrEqual(t, jitter(1, 1<<63-1, n), time.Duration(0))
	}
}

// An attempt's redirect hops share its deadline: two hops of 200 ms each
// outlast an attempt timeout of 300 ms, though each alone would not, and
// fit in one of 500 ms.
func TestAttemptTimeoutCoversRedirectHops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hop := func(next string) httpmock.Responder {
			return func(r *http.Request) (*http.Response, error) {
				select {
				case <-r.Context().Done():
					return nil, r.Context().Err()
				case <-time.After(200 * time.Millisecond): // the server's time to answer, in the bubble's clock
				}
				if next == "" {
					return jsonResp(200, `{}`)(r)
				}
				return jsonResp(302, ``, "Location", testBase+next)(r)
			}
		}
		for timeout, wantErr := range map[time.Duration]bool{300 * time.Millisecond: true, 500 * time.Millisecond: false} {
			c, mt, _ := newTestClient(t, iotclient.WithAttemptTimeout(timeout), iotclient.WithRetry(0))
			mt.RegisterResponder("GET", testBase+"/a", hop("/b"))
			mt.RegisterResponder("GET", testBase+"/b", hop(""))
			start := time.Now()
			_, err := c.Do(context.Background(), get("/a"), nil)
			if wantErr {
				require.ErrorIs(t, err, context.DeadlineExceeded, "timeout %v", timeout)
				assert.Equal(t, timeout, time.Since(start), "the second hop ends at the attempt's deadline")
			} else {
				require.NoError(t, err, "timeout %v", timeout)
			}
			assert.Equal(t, 2, mt.GetTotalCallCount(), "timeout %v: both hops sent", timeout)
		}
	})
}
