// Package core is the SDK's one HTTP path, used by both platform packages
// and the IAM login: requests go through go-retryablehttp with the SDK's
// retry policy in its hooks, credentials are applied on every attempt,
// bodies are read within a cap and decoded, and every non-2xx answer
// becomes an *iotclient.APIError.
package core

import (
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Credential authenticates one attempt of a request: auth.Credential,
// named here so that auth can send its IAM login through core without an
// import cycle. It may also have Validate() error, checked by New, and
// Secrets() []string, the values scrubbed from every error text, and
// implement the interfaces below.
type Credential interface {
	Apply(req *http.Request, body []byte) error
}

// Refresher is a credential whose token can be replaced after a 401 (see
// auth.Refresher).
type Refresher interface {
	Invalidate(sent *http.Request) bool
}

// RefreshRejecter is a Refresher told when a fresh token got a 401 too.
type RefreshRejecter interface {
	RefreshRejected(sent *http.Request)
}

// SettingsBinder is a credential that sends requests of its own (the IAM
// login): New hands it the client's settings, so they take the same path.
type SettingsBinder interface {
	BindSettings(s config.Settings) error
}

// Client sends requests to one platform endpoint.
type Client struct {
	base      *url.URL
	baseURL   string
	hc        *http.Client
	cred      Credential
	settings  config.Settings
	static    http.Header // sent with every request (Instance-Id), so signed
	userAgent string
	attempt   time.Duration // bounds one attempt (see transport.RoundTrip)
}

// Settings returns the default settings with opts applied in order, as
// every constructor that takes iotclient.Option values reads them; a nil
// Option changes nothing. An invalid option is reported by Err.
func Settings(opts []iotclient.Option) config.Settings {
	s := config.Default()
	for _, o := range opts {
		if o != nil {
			o.Apply(&s)
		}
	}
	return s
}

// New builds a client for endpoint (checked by ParseEndpoint) with the
// given credential, settings and headers sent with every request.
func New(endpoint string, cred Credential, s config.Settings, static http.Header) (*Client, error) {
	if err := s.Err(); err != nil {
		return nil, err
	}
	u, err := ParseEndpoint("Endpoint", endpoint, s.AllowInsecure)
	if err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, invalid.Field("Auth", "", "a credential is required")
	}
	if v, ok := cred.(interface{ Validate() error }); ok {
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
	// Each retryablehttp attempt is one http.Client.Do. The transport
	// bounds it, body included, as the caller's Timeout would have (the
	// option replaces it): see transport.RoundTrip.
	c.attempt = s.AttemptTimeout
	if !s.AttemptTimeoutSet && hc.Timeout != 0 {
		c.attempt = hc.Timeout
	}
	hc.Timeout = 0
	c.hc = hc
	return c, nil
}

// sharedTransport is http.DefaultTransport's settings with an idle pool
// sized for many goroutines: Go's 2 idle connections per host made 16
// goroutines dial again for 5-7% of their requests.
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

// CloseIdleConnections closes the default transport's idle connections,
// for tests that check no goroutine is left behind.
func CloseIdleConnections() { sharedTransport().CloseIdleConnections() }

// ResponseInfo describes a successful response.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	Attempts   int
}
