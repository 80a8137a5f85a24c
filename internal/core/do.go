package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	iotclient "github.com/iotclient/iotclient-go"
)

// Request is one API call.
type Request struct {
	Method string
	// Path is appended to the endpoint; it must already be escaped.
	Path string
	// Query holds query parameters.
	Query url.Values
	// RawQuery is an already encoded query (without '?'), sent after
	// Query: the allocation-free way for a hot path to pass parameters it
	// has encoded itself.
	RawQuery string
	// Body is sent as JSON when non-nil.
	Body any
	// Idempotent marks a call that may be repeated after it reached the
	// server (reads, including reads sent as POST). Others are retried only
	// when the connection could not be made.
	Idempotent bool
}

// Decoder is implemented by response types that decode themselves from the
// raw body faster than reflection would.
type Decoder interface {
	DecodeJSON(data []byte) error
}

// attempt carries one call's state through retryablehttp to the transport
// and the retry policy, which only see the request's context. Attempts are
// pooled with their response buffer and their bound response handler, so a
// call allocates neither.
type attempt struct {
	idempotent bool
	body       []byte
	attempts   int
	respBody   *bytes.Buffer
	read       bool

	c       *Client
	handler func(*http.Response) error // a.handle, bound once
}

func (a *attempt) handle(resp *http.Response) error { return a.c.readBody(resp, a) }

var attemptPool = sync.Pool{New: func() any {
	a := &attempt{respBody: new(bytes.Buffer)}
	a.handler = a.handle
	return a
}}

func getAttempt(c *Client, idempotent bool) *attempt {
	a := attemptPool.Get().(*attempt)
	buf, h := a.respBody, a.handler
	buf.Reset()
	*a = attempt{idempotent: idempotent, respBody: buf, c: c, handler: h}
	return a
}

// putAttempt returns a to the pool once the call is over: nothing refers to
// it after Do returns (the transport and the retry policy run within Do).
func putAttempt(a *attempt) {
	if a.respBody.Cap() > 1<<20 { // keep the pool from pinning huge buffers
		return
	}
	a.c, a.body = nil, nil
	attemptPool.Put(a)
}

// acceptJSON is shared by every request: nothing appends to a header value
// in place (and an append to a full slice copies it).
var acceptJSON = []string{"application/json"}

type attemptKey struct{}

func attemptFrom(ctx context.Context) *attempt {
	a, _ := ctx.Value(attemptKey{}).(*attempt)
	return a
}

// Do sends r, retrying per the client's policy, and decodes a 2xx JSON body
// into out (unless out is nil). A non-2xx answer is an *iotclient.APIError.
func (c *Client) Do(ctx context.Context, r Request, out any) (ResponseInfo, error) {
	var info ResponseInfo
	u := c.buildURL(r)
	a := getAttempt(c, r.Idempotent)
	defer putAttempt(a)
	var err error
	if r.Body != nil {
		if a.body, err = json.Marshal(r.Body); err != nil {
			return info, errorf(r.Method, u, "encoding request body: %v", err)
		}
	}
	var rawBody any
	if a.body != nil {
		rawBody = a.body
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, attemptKey{}, a), r.Method, u, rawBody)
	if err != nil {
		return info, errorf(r.Method, u, "building request: %v", err)
	}
	req.Header["Accept"] = acceptJSON
	if a.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.static {
		req.Header[k] = v
	}
	buf := a.respBody
	req.SetResponseHandler(a.handler)

	start := time.Now()
	resp, err := c.rc.Do(req)
	resp, err = c.repeatOn401(req, a, resp, err) // refresh.go
	info.Duration = time.Since(start)
	info.Attempts = a.attempts
	if resp != nil {
		defer resp.Body.Close()
		info.StatusCode, info.Header = resp.StatusCode, resp.Header
		info.RequestID = resp.Header.Get("X-Request-Id")
	}
	if err != nil {
		if ctx.Err() == nil && resp != nil && resp.StatusCode >= 300 && !a.read {
			// Retries ran out on an error status: report that answer.
			err = nil
		} else {
			return info, c.transportError(ctx, r.Method, u, a, err)
		}
	}
	if !a.read {
		if err := c.readBody(resp, a); err != nil {
			return info, c.transportError(ctx, r.Method, u, a, err)
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return info, newAPIError(resp, r.Method, u, buf.Bytes(), a)
	}
	if out == nil {
		return info, nil
	}
	if buf.Len() == 0 {
		return info, malformed(r.Method, u, resp.StatusCode, "empty body")
	}
	if d, ok := out.(Decoder); ok {
		err = d.DecodeJSON(buf.Bytes())
	} else {
		err = json.Unmarshal(buf.Bytes(), out)
	}
	if err != nil {
		return info, malformed(r.Method, u, resp.StatusCode, "decoding %d-byte body: %v", buf.Len(), err)
	}
	return info, nil
}

func (c *Client) buildURL(r Request) string {
	q := r.RawQuery
	if len(r.Query) > 0 {
		// A space as %20, never '+': a gateway that does not form-decode
		// reads '+' literally (Encode escapes a literal '+' as %2B).
		q = strings.ReplaceAll(r.Query.Encode(), "+", "%20")
		if r.RawQuery != "" {
			q += "&" + r.RawQuery
		}
	}
	if q == "" {
		return c.baseURL + r.Path
	}
	return c.baseURL + r.Path + "?" + q
}

// bodyReadError is a response cut short: worth retrying for a read.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// tooLargeError is a body over the size cap: not worth retrying.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return "response body exceeds the " + formatBytes(e.limit) + " limit (iotclient.WithMaxResponseSize)"
}

func (c *Client) readBody(resp *http.Response, a *attempt) error {
	a.read = true
	a.respBody.Reset()
	limit := c.settings.MaxResponseSize
	if resp.ContentLength > limit {
		return &tooLargeError{limit}
	}
	if resp.ContentLength > 0 {
		a.respBody.Grow(int(resp.ContentLength) + 1)
	}
	n, err := a.respBody.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return &bodyReadError{err}
	}
	if n > limit {
		return &tooLargeError{limit}
	}
	return nil
}

func (c *Client) transportError(ctx context.Context, method, u string, a *attempt, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return malformed(method, u, 200, "%v", tl)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = errors.Join(ctxErr, err)
	}
	// Unwrap net/http's *url.Error: it repeats the method and URL.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if a.attempts > 1 {
		return errorf(method, u, "%w (after %d attempts)", err, a.attempts)
	}
	return errorf(method, u, "%w", err)
}

func malformed(method, u string, status int, format string, args ...any) error {
	e := &malformedError{method: method, url: u, status: status, msg: sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err // a decoder's typed error stays reachable with errors.As
		}
	}
	return e
}

type malformedError struct {
	method, url string
	status      int
	msg         string
	err         error
}

func (e *malformedError) Unwrap() error { return e.err }

func (e *malformedError) Error() string {
	return "iotclient: " + e.method + " " + e.url + ": malformed response (status " + itoa(e.status) + "): " + e.msg
}

func (e *malformedError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }
