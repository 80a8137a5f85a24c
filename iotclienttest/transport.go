package iotclienttest

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Transport returns an http.RoundTripper that answers every request by
// calling h in the same process, whatever the request's host: no socket,
// and no goroutine left running once h has returned. A client built on it
// works inside a testing/synctest bubble, and a test of retries, backoff
// and timeouts runs in microseconds.
//
// Each request runs h on a goroutine of its own, with the request's
// context, and the answer is returned once h returns; when the context
// ends first, RoundTrip returns its error and h sees it ended. As over a
// socket, an h that hijacks the connection and closes it without writing
// makes the attempt fail with an error wrapping io.EOF, one that writes
// less body than its Content-Length makes reading the body fail with
// io.ErrUnexpectedEOF, and one that panics (http.ErrAbortHandler
// included) fails the attempt.
//
// To give a fake's pushes an in-memory receiver, pass
// &http.Client{Transport: Transport(receiver)} as the pushes' client.
func Transport(h http.Handler) http.RoundTripper { return memTransport{h} }

type memTransport struct{ h http.Handler }

// errClosed is what a connection closed without an answer reads as.
var errClosed = fmt.Errorf("iotclienttest: the handler closed the connection without answering: %w", io.EOF)

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sreq := serverRequest(req)
	w := &recorder{header: make(http.Header)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if req.Body != nil {
			defer req.Body.Close() // a RoundTripper closes the body
		}
		defer func() {
			if p := recover(); p != nil {
				w.fail(p)
			}
		}()
		t.h.ServeHTTP(w, sreq)
	}()
	select {
	case <-done:
	case <-req.Context().Done():
	}
	if err := req.Context().Err(); err != nil {
		return nil, err // h sees it too, through the request's context
	}
	return w.response(req)
}

// serverRequest is req as a server receives it: a URL of path and query,
// the host in Host, no Host or Content-Length header.
func serverRequest(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	r.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	r.RequestURI = r.URL.RequestURI()
	r.Host = cmp.Or(req.Host, req.URL.Host)
	r.RemoteAddr = memAddr{}.String()
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.Header.Del("Host")
	r.Header.Del("Content-Length")
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.GetBody = nil
	return r
}

// recorder is the handler's http.ResponseWriter: it keeps the answer for
// the response, and a hijacked connection's bytes to be read as one.
type recorder struct {
	mu       sync.Mutex
	header   http.Header
	sent     http.Header // header as of WriteHeader
	status   int
	body     bytes.Buffer
	hijacked *memConn
	panicked error
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(code)
}

func (w *recorder) writeHeaderLocked(code int) {
	if w.status != 0 || w.hijacked != nil {
		return
	}
	w.status = code
	w.sent = w.header.Clone()
}

func (w *recorder) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hijacked != nil {
		return 0, http.ErrHijacked
	}
	w.writeHeaderLocked(http.StatusOK)
	return w.body.Write(b)
}

// Flush does nothing: the answer is whole when the handler returns.
func (w *recorder) Flush() {}

// Hijack hands the handler a connection whose bytes are read back as the
// answer, as a client would read them off a socket.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status != 0 {
		return nil, nil, errors.New("iotclienttest: Hijack after the header was written")
	}
	if w.hijacked != nil {
		return nil, nil, http.ErrHijacked
	}
	c := &memConn{}
	w.hijacked = c
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}

func (w *recorder) fail(p any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p == http.ErrAbortHandler { // net/http's own test: the sentinel itself
		w.panicked = errClosed
		return
	}
	w.panicked = fmt.Errorf("iotclienttest: the handler panicked: %v", p)
}

// response is the answer the handler gave, as net/http's client would
// return it.
func (w *recorder) response(req *http.Request) (*http.Response, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hijacked != nil {
		raw := w.hijacked.written()
		if len(raw) == 0 {
			return nil, errClosed
		}
		return http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), req)
	}
	if w.panicked != nil && w.status == 0 {
		return nil, w.panicked
	}
	w.writeHeaderLocked(http.StatusOK)
	h := w.sent
	body := w.body.Bytes()
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", http.DetectContentType(body))
	}
	var rd io.Reader = bytes.NewReader(body)
	n := int64(len(body))
	if cl, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
		switch {
		case cl > n: // cut short: the client reads what came, then EOF too soon
			rd = io.MultiReader(rd, errReader{io.ErrUnexpectedEOF})
		case cl < n: // a server sends no more than it declared
			rd = io.LimitReader(rd, cl)
		}
		n = cl
	} else {
		h.Set("Content-Length", strconv.FormatInt(n, 10))
	}
	if w.panicked != nil { // a panic after the header cuts the body
		rd = io.MultiReader(rd, errReader{io.ErrUnexpectedEOF})
		n = -1
	}
	if req.Method == http.MethodHead || w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		rd, n = bytes.NewReader(nil), 0
	}
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(rd),
		ContentLength: n,
		Request:       req,
	}, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// memConn is a hijacked connection: it keeps what is written and reads
// nothing (the request was already read).
type memConn struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *memConn) Read([]byte) (int, error) { return 0, io.EOF }

func (c *memConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(b)
}

func (c *memConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

func (c *memConn) Close() error                     { return nil }
func (c *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// memAddr is the address of both ends of an in-memory connection.
type memAddr struct{}

func (memAddr) Network() string { return "memory" }
func (memAddr) String() string  { return "127.0.0.1:0" }
