package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/internal/redact"
)

// transport applies the credential on every attempt, so a retry is signed
// afresh (the rate limiter is waited for before the attempt, in Do). Only
// a RoundTripper sees each redirect hop, so only here can credentials be
// kept to the configured scheme, host and port. The caller's own
// transport, below, sees the signed request.
type transport struct {
	base http.RoundTripper
	c    *Client
}

// RoundTrip bounds the attempt by its request's context rather than by
// http.Client.Timeout: the client honours Timeout through the context
// only for its own package's transports, and for any other, such as this
// one, starts a goroutine, a timer and two channels per request (about
// 18 allocations and, on a machine with more than one core, a tenth of a
// page's time). The deadline lasts until the body is closed, and a
// redirect hop keeps its attempt's deadline.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	deadline := time.Now().Add(t.c.attempt)
	if req.Response != nil {
		if prev, ok := req.Response.Body.(*cancelBody); ok {
			deadline = prev.deadline // a redirect hop: the attempt's deadline holds
		}
	}
	ctx, cancel := context.WithDeadline(req.Context(), deadline)
	resp, err := t.roundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.Body == nil { // a RoundTripper must not, but a test double may
		resp.Body = http.NoBody
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel, deadline: deadline}
	return resp, nil
}

// cancelBody ends its attempt's deadline when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel   context.CancelFunc
	deadline time.Time
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (t *transport) roundTrip(req *http.Request) (*http.Response, error) {
	fail := func(err error) (*http.Response, error) {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, &permanentError{err}
	}
	if req.URL.Scheme != t.c.base.Scheme || !strings.EqualFold(req.URL.Host, t.c.base.Host) {
		return t.base.RoundTrip(req) // not the configured origin: no credentials
	}
	var body []byte
	if req.GetBody != nil && req.ContentLength != 0 {
		// The signer needs the exact bytes; writes are rare and small.
		rc, err := req.GetBody()
		if err == nil {
			body, err = io.ReadAll(rc)
			rc.Close()
		}
		if err != nil {
			return fail(fmt.Errorf("reading the request body to sign it: %w", err))
		}
	}
	// A RoundTripper must not change its request (a retry sends it again).
	r := *req
	r.Header = req.Header.Clone()
	if req.URL.Host != t.c.base.Host {
		// A redirect spelled the host in another case: send it as
		// configured (see NormalizeLoopback), never to a proxy.
		u := *req.URL
		u.Host = t.c.base.Host
		r.URL = &u
	}
	if err := t.c.cred.Apply(&r, body); err != nil {
		return fail(err)
	}
	return t.base.RoundTrip(&r)
}

// checkRedirect runs before the caller's own policy: a write never follows
// a redirect, so its body is sent once and the 3xx becomes an APIError; a
// redirect that changes the scheme is refused. Another host gets no
// credentials (see transport).
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
			return http.ErrUseLastResponse
		}
		if prev := via[len(via)-1]; req.URL.Scheme != prev.URL.Scheme {
			return fmt.Errorf("redirect from %s to %s refused: it changes the scheme from %s to %s",
				redact.URL(prev.URL.String()), redact.URL(req.URL.String()), prev.URL.Scheme, req.URL.Scheme)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}
