// Package core is the SDK's one HTTP core: it builds requests, sends them
// through go-retryablehttp with the SDK's retry policy (expressed in its
// CheckRetry, Backoff and log hooks), applies credentials on every attempt,
// reads bounded response bodies, decodes JSON and turns every non-2xx
// response into an *iotclient.APIError. Both platform packages and the IAM
// login of package auth use it.
package core

import (
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
)

// Credential authenticates one attempt of a request; auth.Credential has
// the same method set. core names its own interface so that package auth
// can send its IAM login through core without an import cycle. A
// credential may also implement the optional interfaces below.
type Credential interface {
	Apply(req *http.Request, body []byte) error
}

// Refresher is a credential whose token can be replaced after a 401 (see
// auth.Refresher). Invalidate reports whether the next Apply will use a
// token other than the one sent, so repeating the request is worth it.
type Refresher interface {
	Invalidate(sent *http.Request) bool
}

// RefreshRejecter is a Refresher told when the request repeated with a
// fresh token was refused again (the 401 persists), so it can stop
// replacing tokens for a while.
type RefreshRejecter interface {
	RefreshRejected(sent *http.Request)
}

// Validator is a credential that can check itself before any request.
type Validator interface {
	Validate() error
}

// SettingsBinder is a credential that sends requests of its own (the IAM
// password login): New hands it the client's settings so those requests
// take the same path, with the same HTTP client, retries, rate limit,
// logger and User-Agent.
type SettingsBinder interface {
	BindSettings(s config.Settings) error
}

// Secreter is a credential that lists the secret values it holds, so that
// the client removes them from every error text, should a server or a
// proxy echo them.
type Secreter interface {
	Secrets() []string
}

// Client sends requests to one platform endpoint.
type Client struct {
	base      *url.URL
	baseURL   string // base.String(), computed once
	hc        *http.Client
	cred      Credential
	settings  config.Settings
	static    http.Header // sent with every request (Instance-Id), so signed
	userAgent string
}

// New builds a client for endpoint (scheme and host, optionally a path
// prefix) with the given credential and settings. It refuses to send
// credentials over plain http to anything but a loopback address unless the
// settings allow it.
func New(endpoint string, cred Credential, s config.Settings, static http.Header) (*Client, error) {
	if err := s.Err(); err != nil {
		return nil, err
	}
	u, err := ParseEndpoint("Endpoint", endpoint, s.AllowInsecure)
	if err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, iotclient.NewValidationError("Auth", "", "a credential is required")
	}
	if v, ok := cred.(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	if b, ok := cred.(SettingsBinder); ok {
		if err := b.BindSettings(s); err != nil {
			return nil, err
		}
	}
	c := &Client{base: u, baseURL: u.String(), cred: cred, settings: s, static: static,
		userAgent: "iotclient-go/" + iotclient.Version}
	if s.UserAgent != "" {
		c.userAgent = s.UserAgent + " " + c.userAgent
	}
	hc := &http.Client{}
	if s.HTTPClient != nil {
		*hc = *s.HTTPClient // keep the caller's Timeout, Jar and CheckRedirect
	}
	base := hc.Transport
	if base == nil {
		base = sharedTransport()
	}
	hc.Transport = &transport{base: base, c: c}
	hc.CheckRedirect = checkRedirect(hc.CheckRedirect)
	if s.AttemptTimeoutSet || hc.Timeout == 0 {
		// http.Client.Timeout bounds one attempt (every retryablehttp
		// attempt is one http.Client.Do): connecting, TLS, waiting for
		// headers and reading the body, so a trickle ends too.
		hc.Timeout = s.AttemptTimeout
	}
	c.hc = hc
	return c, nil
}

// sharedTransport is the SDK's default transport: http.DefaultTransport's
// settings with an idle pool sized for a client shared by many goroutines
// (Go's default of 2 idle connections per host made 16 goroutines dial
// again for 5-7% of their requests). Like http.DefaultTransport, every
// client that uses it shares it.
var sharedTransport = sync.OnceValue(func() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
})

// CloseIdleConnections closes the idle connections of the SDK's default
// transport, for tests that check no goroutine is left behind.
func CloseIdleConnections() { sharedTransport().CloseIdleConnections() }

// ResponseInfo describes a successful response.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	Attempts   int
	Duration   time.Duration
}
