package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/hashicorp/go-retryablehttp"
)

// Request is one API call.
type Request struct {
	Method string
	// Path is appended to the endpoint; it must already be escaped.
	Path string
	// Query holds query parameters.
	Query url.Values
	// RawQuery is an already encoded query (without '?'), sent after
	// Query.
	RawQuery string
	// Body is sent as JSON when non-nil.
	Body any
	// Idempotent marks a call that may be repeated after it reached the
	// server (reads, including reads sent as POST). Others are retried only
	// when the connection could not be made. Redirects are followed for
	// GET only, whatever this says.
	Idempotent bool
}

// Decoder is implemented by response types that decode themselves from the
// raw body.
type Decoder interface {
	DecodeJSON(data []byte) error
}

// call is one Do: the state its retryablehttp hooks share. Each call has a
// retryablehttp.Client of its own whose hooks are this call's methods, so
// no per-attempt state travels in the request's context. Calls are pooled
// with their client, their bound hooks and their response buffer, so a call
// allocates none of them.
type call struct {
	c          *Client
	method, u  string
	idempotent bool
	attempts   int       // attempts sent so far
	retries    int       // retries spent on failures (a 401 refresh is not one)
	refreshed  bool      // a 401 made the credential replace its token
	rejected   bool      // and the fresh token got a 401 too
	start      time.Time // of the current attempt
	read       bool      // respBody holds the current response's body
	respBody   *bytes.Buffer
	out        any   // where a 2xx body is decoded
	decoded    bool  // out holds a decoding (maybe partial) to reset first
	decodeErr  error // the last decoding's failure, nil when it worked

	rc      retryablehttp.Client
	handler func(*http.Response) error // k.handle, bound once
}

var callPool = sync.Pool{New: func() any {
	k := &call{respBody: new(bytes.Buffer)}
	k.handler = k.handle
	k.rc = retryablehttp.Client{
		CheckRetry:      k.checkRetry,
		Backoff:         k.backoff,
		RequestLogHook:  k.requestHook,
		ResponseLogHook: k.responseHook,
		ErrorHandler:    retryablehttp.PassthroughErrorHandler,
	}
	return k
}}

func getCall(c *Client, r *Request, u string) *call {
	k := callPool.Get().(*call)
	k.c, k.method, k.u, k.idempotent = c, r.Method, u, r.Idempotent
	k.out, k.decoded, k.decodeErr = nil, false, nil
	k.attempts, k.retries, k.refreshed, k.rejected, k.read = 0, 0, false, false, false
	k.respBody.Reset()
	k.rc.HTTPClient = c.hc
	k.rc.RetryWaitMin, k.rc.RetryWaitMax = c.settings.RetryWaitMin, c.settings.RetryWaitMax
	// One more than the retries allowed when a 401 refresh may take a
	// turn: checkRetry counts the retries spent on failures itself.
	k.rc.RetryMax = c.settings.MaxRetries
	if _, ok := c.cred.(Refresher); ok {
		k.rc.RetryMax++
	}
	return k
}

// putCall returns k to the pool once Do is over: nothing refers to it then.
func putCall(k *call) {
	if k.respBody.Cap() > 1<<20 { // keep the pool from pinning huge buffers
		return
	}
	k.c, k.rc.HTTPClient, k.out, k.decodeErr = nil, nil, nil, nil
	callPool.Put(k)
}

// handle is the response handler: it reads the body within the retry loop,
// so a body cut short is retried like a dropped connection, and decodes a
// 2xx body there too, so a 200 whose JSON ends early (a broken gateway that
// keeps the framing intact) is retried as well. A body of the wrong shape
// is not: Do reports it.
func (k *call) handle(resp *http.Response) error {
	if err := k.c.readBody(resp, k); err != nil {
		return err
	}
	if k.out == nil || resp.StatusCode < 200 || resp.StatusCode > 299 || k.respBody.Len() == 0 {
		return nil
	}
	if k.decoded {
		// A retry decodes into what the cut body partly filled.
		if v := reflect.ValueOf(k.out); v.Kind() == reflect.Pointer && !v.IsNil() {
			v.Elem().SetZero()
		}
	}
	k.decoded = true
	k.decodeErr = decode(k.respBody.Bytes(), k.out)
	if k.decodeErr != nil && truncated(k.decodeErr) {
		return &cutJSONError{k.decodeErr}
	}
	return nil
}

// decode decodes a body with the Decoder of out, or the JSON library the
// SDK uses (github.com/go-json-experiment/json: strict about duplicate
// names and invalid UTF-8).
func decode(b []byte, out any) error {
	if d, ok := out.(Decoder); ok {
		return d.DecodeJSON(b)
	}
	return jsonv2.Unmarshal(b, out)
}

// truncated reports a decoding that failed because the input ended early.
func truncated(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var se *json.SyntaxError // a Decoder built on encoding/json
	return errors.As(err, &se) && se.Error() == "unexpected end of JSON input"
}

// cutJSONError is a 2xx body whose JSON ended early: worth retrying for a
// read.
type cutJSONError struct{ err error }

func (e *cutJSONError) Error() string { return "the JSON body ends early: " + e.err.Error() }
func (e *cutJSONError) Unwrap() error { return e.err }

// acceptJSON is shared by every request: nothing appends to a header value
// in place (and an append to a full slice copies it).
var acceptJSON = []string{"application/json"}

// Do sends r, retrying per the client's policy, and decodes a 2xx JSON body
// into out (unless out is nil). A non-2xx answer is an *iotclient.APIError.
// No error it returns contains a secret the credential holds.
func (c *Client) Do(ctx context.Context, r Request, out any) (ResponseInfo, error) {
	info, err := c.do(ctx, r, out)
	if err != nil {
		err = c.scrub(err)
	}
	return info, err
}

func (c *Client) do(ctx context.Context, r Request, out any) (ResponseInfo, error) {
	var info ResponseInfo
	u := c.buildURL(r)
	var body []byte
	var err error
	if r.Body != nil {
		if body, err = json.Marshal(r.Body); err != nil {
			return info, errorf(r.Method, u, "encoding request body: %v", err)
		}
	}
	var rawBody any
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u, rawBody)
	if err != nil {
		return info, errorf(r.Method, u, "building request: %v", err)
	}
	req.Header["Accept"] = acceptJSON
	req.Header["User-Agent"] = c.ua
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.static {
		req.Header[k] = v
	}
	k := getCall(c, &r, u)
	defer putCall(k)
	k.out = out
	req.SetResponseHandler(k.handler)

	start := time.Now()
	resp, err := k.rc.Do(req)
	info.Duration = time.Since(start)
	info.Attempts = k.attempts
	if resp != nil {
		defer resp.Body.Close()
		info.StatusCode, info.Header = resp.StatusCode, resp.Header
		info.RequestID = resp.Header.Get("X-Request-Id")
	}
	if err != nil {
		return info, c.transportError(ctx, r.Method, u, k, err)
	}
	if !k.read {
		// Retries ran out on an answer worth retrying: read it to report it.
		if err := c.readBody(resp, k); err != nil {
			return info, c.transportError(ctx, r.Method, u, k, err)
		}
	}
	buf := k.respBody
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return info, newAPIError(resp, r.Method, u, buf.Bytes(), k.attempts)
	}
	if out == nil {
		return info, nil
	}
	if buf.Len() == 0 {
		return info, malformed(r.Method, u, resp.StatusCode, "empty body")
	}
	if !k.decoded {
		k.decoded = true
		k.decodeErr = decode(buf.Bytes(), out)
	}
	if k.decodeErr != nil {
		return info, malformed(r.Method, u, resp.StatusCode, "decoding %d-byte body: %v", buf.Len(), k.decodeErr)
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

func (c *Client) readBody(resp *http.Response, k *call) error {
	k.read = true
	k.respBody.Reset()
	limit := c.settings.MaxResponseSize
	if resp.ContentLength > limit {
		return &tooLargeError{limit}
	}
	if resp.ContentLength > 0 {
		k.respBody.Grow(int(resp.ContentLength) + 1)
	}
	// limit is at most config.MaxResponseSizeLimit, so limit+1 cannot wrap.
	n, err := k.respBody.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return &bodyReadError{err}
	}
	if n > limit {
		return &tooLargeError{limit}
	}
	return nil
}
