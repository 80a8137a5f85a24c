package core

import (
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/iotclient/iotclient-go/auth"
)

// transport does the work of every attempt: it waits for the rate limiter,
// sets the User-Agent, applies the credential (so each retry is signed
// afresh) and logs the attempt. It sits below retryablehttp and above the
// caller's own transport, which therefore sees the signed request.
type transport struct {
	base      http.RoundTripper
	cred      auth.Credential
	host      string // credentials go to this host only, never to a redirect's
	limiter   *rate.Limiter
	logger    *slog.Logger
	userAgent string
	uaValue   []string // []string{userAgent}, shared by every request
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	a := attemptFrom(ctx)
	var body []byte
	n := 1
	if a != nil {
		a.attempts++
		n, body = a.attempts, a.body
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			closeBody(req)
			return nil, &permanentError{err}
		}
	}
	// The request is the SDK's own (core.Do built it), but a RoundTripper
	// must not change the one it is given: a retry sends it again, and the
	// transport below may still read it. A shallow copy with its own header
	// map is enough, as only headers change: cheaper than req.Clone, which
	// also copies the URL and the rest.
	r := new(http.Request)
	*r = *req
	r.Header = cloneHeader(req.Header, 4) // room for the User-Agent and a signature's headers
	r.Header["User-Agent"] = t.uaValue
	if r.URL.Host == t.host {
		if err := t.cred.Apply(r, body); err != nil {
			closeBody(req)
			return nil, &permanentError{err}
		}
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if t.logger != nil && t.logger.Enabled(ctx, slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("url", redactURL(r.URL.String())),
			slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)),
		}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", resp.StatusCode),
				slog.String("request_id", resp.Header.Get("X-Request-Id")))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		t.logger.LogAttrs(ctx, slog.LevelDebug, "iotclient request", attrs...)
	}
	return resp, err
}

// cloneHeader copies h into a map with room for extra more names, with one
// backing array for the values (as http.Header.Clone does), each value
// slice capped so that an append copies it.
func cloneHeader(h http.Header, extra int) http.Header {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	all := make([]string, 0, n)
	out := make(http.Header, len(h)+extra)
	for k, vs := range h {
		if vs == nil {
			out[k] = nil
			continue
		}
		all = append(all, vs...)
		out[k] = all[len(all)-len(vs) : len(all) : len(all)]
	}
	return out
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
