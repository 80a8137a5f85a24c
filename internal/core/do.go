package core

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/iotclient/iotclient-go/internal/redact"
)

// Request is one API call.
type Request struct {
	Method string
	Path   string // appended to the endpoint, already escaped
	Query  url.Values
	Body   any // sent as JSON when non-nil
	// Idempotent marks a call that may be repeated after it reached the
	// server (reads, including reads sent as POST); others are retried only
	// when the connection could not be made.
	Idempotent bool
}

// call is the state one Do's retryablehttp hooks share.
type call struct {
	c          *Client
	method, u  string
	idempotent bool
	attempts   int       // attempts sent so far
	retries    int       // spent on failures (a 401 refresh is not one)
	refreshed  bool      // a 401 made the credential replace its token
	rejected   bool      // and the fresh token got a 401 too
	start      time.Time // of the current attempt
	read       bool      // body holds the current response's body
	cut        bool      // an error answer's body was longer than the cap
	body       []byte
	buf        *bytes.Buffer // from bodyPool, holding body
	out        any
	decoded    bool // out may hold a partial decoding to reset first
	decodeErr  error
}

// Do sends r, retrying per the client's policy, and decodes a 2xx JSON body
// into out unless out is nil; a struct only from a JSON object (see
// DecodeObject). A non-2xx answer is an *iotclient.APIError;
// no error holds a secret of the credential.
func (c *Client) Do(ctx context.Context, r Request, out any) (ResponseInfo, error) {
	info, err := c.do(ctx, r, out)
	if err != nil {
		err = scrubError(err, c.secrets())
	}
	return info, err
}

func (c *Client) do(ctx context.Context, r Request, out any) (ResponseInfo, error) {
	var info ResponseInfo
	u := c.baseURL + r.Path
	if len(r.Query) > 0 {
		// A space as %20: a gateway that does not form-decode reads '+'
		// literally (Encode escapes a literal '+' as %2B).
		u += "?" + strings.ReplaceAll(r.Query.Encode(), "+", "%20")
	}
	var body any // nil or a []byte, which retryablehttp rewinds
	if r.Body != nil {
		// json escapes no HTML: a password's '&' goes as itself, not as
		// \u0026, a form a server could echo (see redact.Forms). Map keys
		// are sorted (the IAM login's body is maps), and invalid UTF-8
		// becomes U+FFFD, as encoding/json does.
		b, err := json.Marshal(r.Body, json.Deterministic(true), jsontext.AllowInvalidUTF8(true))
		if err != nil {
			return info, errorf(r.Method, u, "encoding request body: %v", err)
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return info, errorf(r.Method, u, "building request: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil || r.Method == http.MethodPost {
		// IoTDA wants it on a POST even without a body (the count).
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.static {
		req.Header[k] = v
	}
	k := &call{c: c, method: r.Method, u: u, idempotent: r.Idempotent, out: out}
	defer k.release()
	if err := c.waitLimiter(ctx); err != nil {
		return info, c.transportError(ctx, k, err)
	}
	req.SetResponseHandler(k.handle)
	rc := &retryablehttp.Client{
		HTTPClient:      c.hc,
		RetryWaitMin:    c.settings.RetryWaitMin,
		RetryWaitMax:    c.settings.RetryWaitMax,
		RetryMax:        c.settings.MaxRetries + 1, // checkRetry counts failures; the extra turn is a 401 refresh's
		CheckRetry:      k.checkRetry,
		Backoff:         k.backoff,
		RequestLogHook:  k.requestHook,
		ResponseLogHook: k.responseHook,
		ErrorHandler:    retryablehttp.PassthroughErrorHandler,
		// After the backoff, before the retry's attempt starts.
		PrepareRetry: func(req *http.Request) error { return c.waitLimiter(req.Context()) },
	}
	resp, err := rc.Do(req)
	info.Attempts = k.attempts
	if resp != nil {
		defer resp.Body.Close()
		info.StatusCode, info.Header = resp.StatusCode, resp.Header
		info.RequestID = resp.Header.Get("X-Request-Id")
	}
	if err == nil && !k.read {
		// Retries ran out on an answer worth retrying: read it to report it.
		err = k.readBody(resp)
	}
	switch {
	case err != nil:
		return info, c.transportError(ctx, k, err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		e := newAPIError(resp, r.Method, u, k.body, k.attempts, c.secrets())
		e.Truncated = k.cut
		return info, e
	case out == nil:
		return info, nil
	case len(k.body) == 0:
		return info, malformed(r.Method, u, resp.StatusCode, "empty body")
	case k.decodeErr != nil:
		return info, malformed(r.Method, u, resp.StatusCode, "decoding %d-byte body: %v", len(k.body), k.decodeErr)
	}
	return info, nil
}

// waitLimiter waits for the rate limiter (iotclient.WithRateLimit) under
// ctx, the caller's context: before an attempt rather than inside it, where
// the attempt timeout (the http.Client's) would already run and a wait for
// a busy limiter would fail the call at once. The error is the limiter's,
// returned at once when ctx's deadline comes before the token.
func (c *Client) waitLimiter(ctx context.Context) error {
	if l := c.settings.Limiter; l != nil {
		return l.Wait(ctx)
	}
	return nil
}

// handle reads and decodes the body within the retry loop, so a body cut
// short, or a 200 whose JSON ends early behind intact framing, is retried
// like a dropped connection; a body of the wrong shape is not.
func (k *call) handle(resp *http.Response) error {
	if err := k.readBody(resp); err != nil {
		return err
	}
	if k.out == nil || resp.StatusCode < 200 || resp.StatusCode > 299 || len(k.body) == 0 {
		return nil
	}
	if k.decoded {
		if v := reflect.ValueOf(k.out); v.Kind() == reflect.Pointer && !v.IsNil() {
			v.Elem().SetZero()
		}
	}
	k.decoded = true
	k.decodeErr = decode(k.body, k.out)
	if errors.Is(k.decodeErr, io.ErrUnexpectedEOF) {
		return &cutJSONError{k.decodeErr}
	}
	return nil
}

// bodyPool recycles response buffers: a page is tens of kilobytes, and
// nothing keeps the body once Do returns (decoding and APIError copy what
// they keep).
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// release returns the body's buffer to the pool, unless it grew past 1 MiB
// (an odd large answer should not stay pinned).
func (k *call) release() {
	if k.buf != nil && k.buf.Cap() <= 1<<20 {
		k.body = nil
		bodyPool.Put(k.buf)
	}
	k.buf = nil
}

// readBody reads the response body within the size cap. An error answer
// over the cap keeps its status (a 503 is still retried, a 401 still
// refreshes): only its body is cut, to the cap.
func (k *call) readBody(resp *http.Response) error {
	k.read, k.cut = true, false
	limit := k.c.settings.MaxResponseSize
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if success && resp.ContentLength > limit {
		return &tooLargeError{limit}
	}
	// Room for the announced length and MinRead more: ReadFrom meets the
	// end without growing the buffer. limit+1 cannot wrap (see config).
	if k.buf == nil {
		k.buf = bodyPool.Get().(*bytes.Buffer)
	}
	k.buf.Reset()
	k.buf.Grow(int(min(max(resp.ContentLength, 0), limit)) + bytes.MinRead)
	n, err := k.buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	k.body = k.buf.Bytes()
	switch {
	case err != nil:
		return &bodyReadError{err}
	case n > limit && success:
		return &tooLargeError{limit}
	case n > limit:
		k.body, k.cut = k.body[:limit], true
	}
	return nil
}

// requestHook runs before every attempt and counts them.
func (k *call) requestHook(retryablehttp.Logger, *http.Request, int) {
	k.attempts++
	k.start = time.Now()
}

// responseHook logs each attempt that got an answer; checkRetry logs
// those that failed.
func (k *call) responseHook(_ retryablehttp.Logger, resp *http.Response) {
	ctx := context.Background()
	if resp.Request != nil {
		ctx = resp.Request.Context()
	}
	k.logAttempt(ctx, resp, nil)
}

// logAttempt logs one attempt at debug level.
func (k *call) logAttempt(ctx context.Context, resp *http.Response, err error) {
	l := k.c.settings.Logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	// What the server sent (its request ID) and what holds its values (the
	// URL) are scrubbed like errors.
	secrets := k.c.secrets()
	attrs := []slog.Attr{
		slog.String("method", k.method),
		slog.String("url", redact.Secrets(redact.URL(k.u), secrets)),
		slog.Int("attempt", k.attempts),
		slog.Duration("duration", time.Since(k.start)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode),
			slog.String("request_id", redact.Secrets(resp.Header.Get("X-Request-Id"), secrets)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", redact.Secrets(err.Error(), secrets)))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "iotclient request", attrs...)
}
