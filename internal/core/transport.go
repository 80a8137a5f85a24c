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
	r := req.Clone(ctx)
	r.Header.Set("User-Agent", t.userAgent)
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

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
