package iotclienttest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

func get(t *testing.T, h http.Handler, method, url string, body io.Reader) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	require.NoError(t, err)
	return (&http.Client{Transport: iotclienttest.Transport(h)}).Do(req)
}

func TestTransportServesTheRequestAsAServerSeesIt(t *testing.T) {
	var seen *http.Request
	var seenBody string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		b, _ := io.ReadAll(r.Body)
		seenBody = string(b)
		w.Header().Set("X-Request-Id", "r-1")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"ok":true}`)
		w.Header().Set("X-Late", "ignored") // after WriteHeader: not sent
	})
	resp, err := get(t, h, http.MethodPost, "http://example.test:8080/a%2Fb/c?x=1&y=2", strings.NewReader("hello"))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "201 Created", resp.Status)
	assert.Equal(t, `{"ok":true}`, string(b))
	assert.Equal(t, int64(len(b)), resp.ContentLength)
	assert.Equal(t, "r-1", resp.Header.Get("X-Request-Id"))
	assert.Empty(t, resp.Header.Get("X-Late"))
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"), "sniffed, as net/http does")

	assert.Equal(t, http.MethodPost, seen.Method)
	assert.Equal(t, "example.test:8080", seen.Host)
	assert.Equal(t, "/a%2Fb/c?x=1&y=2", seen.RequestURI)
	assert.Equal(t, "/a%2Fb/c", seen.URL.EscapedPath())
	assert.Empty(t, seen.URL.Host, "a server's URL has no host")
	assert.Equal(t, "1", seen.URL.Query().Get("x"))
	assert.Equal(t, "hello", seenBody)
	assert.Equal(t, int64(5), seen.ContentLength)
}

// The fakes' Drop and Truncate faults hijack the connection; in memory
// they read as they would off a socket.
func TestTransportHijackedConnections(t *testing.T) {
	drop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		require.NoError(t, err)
		c.Close()
	})
	_, err := get(t, drop, http.MethodGet, "http://localhost/", nil)
	require.ErrorIs(t, err, io.EOF)

	truncate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := http.NewResponseController(w).Hijack()
		require.NoError(t, err)
		defer c.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"commands\":")
		require.NoError(t, buf.Flush())
	})
	resp, err := get(t, truncate, http.MethodGet, "http://localhost/", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, `{"commands":`, string(b))
}

func TestTransportShortBodiesAndPanics(t *testing.T) {
	short := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		fmt.Fprint(w, "abc")
	})
	resp, err := get(t, short, http.MethodGet, "http://localhost/", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "abc", string(b))

	abort := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	_, err = get(t, abort, http.MethodGet, "http://localhost/", nil)
	assert.ErrorIs(t, err, io.EOF)

	bug := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("nil map") })
	_, err = get(t, bug, http.MethodGet, "http://localhost/", nil)
	assert.ErrorContains(t, err, "the handler panicked: nil map")

	midway := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "partial")
		panic(http.ErrAbortHandler)
	})
	resp, err = get(t, midway, http.MethodGet, "http://localhost/", nil)
	require.NoError(t, err)
	b, err = io.ReadAll(resp.Body)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "partial", string(b))

	head := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "body") })
	resp, err = get(t, head, http.MethodHead, "http://localhost/", nil)
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	assert.Empty(t, b, "a HEAD answer has no body")
}

// A client that gives up gets its context's error at once, and the
// handler sees the request's context end; in a bubble this takes no real
// time.
func TestTransportEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ended := make(chan error, 1)
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Hour):
				fmt.Fprint(w, "late")
			case <-r.Context().Done():
				ended <- r.Context().Err()
			}
		})
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://localhost/", nil)
		start := time.Now()
		_, err := (&http.Client{Transport: iotclienttest.Transport(slow)}).Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 30*time.Second, time.Since(start))
		assert.ErrorIs(t, <-ended, context.DeadlineExceeded)

		// http.Client.Timeout, which bounds the SDK's attempts, too.
		c := &http.Client{Transport: iotclienttest.Transport(slow), Timeout: 5 * time.Second}
		_, err = c.Get("http://localhost/")
		var te interface{ Timeout() bool }
		require.True(t, errors.As(err, &te) && te.Timeout(), "%v", err)
		<-ended
	})
}

func TestTransportHijackAfterWriteFails(t *testing.T) {
	var herr error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _, herr = http.NewResponseController(w).Hijack()
	})
	resp, err := get(t, h, http.MethodGet, "http://localhost/", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Error(t, herr)
}
