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
// can send its IAM login through core without an import cycle.
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

// Secreter is a credential that can list the secret values it holds, so
// that the client removes them from every error text, should a server or a
// proxy echo them.
type Secreter interface {
	Secrets() []string
}

// Client sends requests to one platform endpoint.
type Client struct {
	base     *url.URL
	baseURL  string // base.String(), computed once
	hc       *http.Client
	cred     Credential
	settings config.Settings
	// static headers sent with every request (Instance-Id, X-Project-Id),
	// set before the credential so that they are signed.
	static http.Header
	ua     []string // the User-Agent header value, shared by every request
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
		// Refuse an incomplete credential now rather than on the first call.
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
		ua: []string{userAgent(s.UserAgent)}}
	hc := &http.Client{}
	if s.HTTPClient != nil {
		*hc = *s.HTTPClient // keep the caller's Timeout, Jar and CheckRedirect
	}
	base := hc.Transport
	if base == nil {
		base = sharedTransport()
	}
	hc.Transport = &transport{base: base, c: c}
	hc.CheckRedirect = c.checkRedirect(hc.CheckRedirect)
	if s.AttemptTimeoutSet || hc.Timeout == 0 {
		// http.Client.Timeout bounds one attempt: connecting, TLS,
		// waiting for headers and reading the body (a trickle ends too).
		// Every retryablehttp attempt is one http.Client.Do.
		hc.Timeout = s.AttemptTimeout
	}
	c.hc = hc
	return c, nil
}

// sharedTransport is the SDK's default transport: http.DefaultTransport's
// settings (proxy from the environment, timeouts, HTTP/2) with an idle pool
// sized for a client shared by many goroutines. Go's default keeps 2 idle
// connections per host, so 16 goroutines sharing a client would close and
// dial again a connection for several requests in a hundred (measured:
// 5-7%, costing a quarter of the throughput against the loopback mock).
// Like http.DefaultTransport, it is shared by every client that uses it; a
// program that wants another transport passes iotclient.WithHTTPClient.
var sharedTransport = sync.OnceValue(func() *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return t
})

// CloseIdleConnections closes the idle connections of the SDK's default
// transport, as http.DefaultTransport's CloseIdleConnections does for its
// own: for tests that check no goroutine is left behind.
func CloseIdleConnections() { sharedTransport().CloseIdleConnections() }

func userAgent(product string) string {
	ua := "iotclient-go/" + iotclient.Version
	if product != "" {
		ua = product + " " + ua
	}
	return ua
}

// ResponseInfo describes a successful response.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	Attempts   int
	Duration   time.Duration
}
