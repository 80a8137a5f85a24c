package core

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// transport does the work of every attempt that only a RoundTripper can
// do: it waits for the rate limiter and applies the credential, so a retry
// is signed afresh. Credentials are applied here, not on the request before
// http.Client.Do (nor in retryablehttp's PrepareRetry), because only the
// RoundTripper sees each redirect hop: the credential goes to the
// configured scheme, host and port and never to a hop elsewhere. It sits
// below retryablehttp and above the caller's own transport, which
// therefore sees the signed request.
type transport struct {
	base http.RoundTripper
	c    *Client
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if l := t.c.settings.Limiter; l != nil {
		if err := l.Wait(req.Context()); err != nil {
			closeBody(req)
			return nil, &permanentError{err}
		}
	}
	if !t.c.sameOrigin(req) {
		return t.base.RoundTrip(req)
	}
	// A RoundTripper must not change the request it is given (a retry
	// sends it again, the transport below may still read it): a shallow
	// copy with its own header map is enough, as only headers change.
	r := new(http.Request)
	*r = *req
	r.Header = cloneHeader(req.Header, 4) // room for a signature's headers
	var body []byte
	if req.GetBody != nil && req.ContentLength != 0 {
		// The signer needs the exact bytes; writes are rare and small.
		rc, err := req.GetBody()
		if err == nil {
			body, err = io.ReadAll(rc)
			rc.Close()
		}
		if err != nil {
			closeBody(req)
			return nil, &permanentError{fmt.Errorf("reading the request body to sign it: %w", err)}
		}
	}
	if err := t.c.cred.Apply(r, body); err != nil {
		closeBody(req)
		return nil, &permanentError{err}
	}
	return t.base.RoundTrip(r)
}

// sameOrigin reports whether req goes to the configured scheme, host and
// port: the only place credentials are sent.
func (c *Client) sameOrigin(req *http.Request) bool {
	return req.URL.Scheme == c.base.Scheme && strings.EqualFold(req.URL.Host, c.base.Host)
}

// redirectError is a redirect the SDK refuses to follow.
type redirectError struct{ from, to, why string }

func (e *redirectError) Error() string {
	return "redirect from " + e.from + " to " + e.to + " refused: " + e.why
}

// checkRedirect is the redirect policy, in front of the caller's own:
// a write (any method but GET and HEAD) never follows a redirect, so its
// body is sent once and the 3xx answer becomes an *iotclient.APIError; a
// redirect that changes the scheme is refused (a downgrade to http would
// expose the request, an upgrade is not what the endpoint says). A
// redirect to another host is followed without credentials (the transport
// applies them only to the configured origin).
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if first.Method != http.MethodGet && first.Method != http.MethodHead {
			return http.ErrUseLastResponse
		}
		prev := via[len(via)-1]
		if req.URL.Scheme != prev.URL.Scheme {
			return &redirectError{RedactURL(prev.URL.String()), RedactURL(req.URL.String()), "it changes the scheme from " + prev.URL.Scheme + " to " + req.URL.Scheme}
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
