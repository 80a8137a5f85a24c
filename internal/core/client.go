// Package core is the SDK's one HTTP core: it builds requests, sends them
// through go-retryablehttp with the SDK's retry policy, applies credentials on
// every attempt, reads bounded response bodies, decodes JSON and turns every
// non-2xx response into an *iotclient.APIError. Both platform packages use it.
package core

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/config"
)

// Client sends requests to one platform endpoint.
type Client struct {
	base     *url.URL
	baseURL  string // base.String(), computed once
	rc       *retryablehttp.Client
	settings config.Settings
	// static headers sent with every request (Instance-Id, X-Project-Id),
	// set before the credential so that they are signed.
	static http.Header
}

// New builds a client for endpoint (scheme and host, optionally a path
// prefix) with the given credential and options. It refuses to send
// credentials over plain http to anything but a loopback address unless the
// settings allow it.
func New(endpoint string, cred auth.Credential, s config.Settings, static http.Header) (*Client, error) {
	if err := s.Err(); err != nil {
		return nil, err
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, iotclient.NewValidationError("Endpoint", redactURL(endpoint), "must be an absolute http(s) URL")
	}
	if u.User != nil {
		return nil, iotclient.NewValidationError("Endpoint", redactURL(endpoint), "must not carry user information; use the Auth field")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, iotclient.NewValidationError("Endpoint", u.String(), "must not have a query or fragment")
	}
	if u.Scheme == "http" && !s.AllowInsecure && !isLoopback(u.Hostname()) {
		return nil, iotclient.NewValidationError("Endpoint", u.String(),
			"credentials are only sent over plain http to a loopback address; use https (or iotclient.WithInsecureCredentials)")
	}
	if cred == nil {
		return nil, iotclient.NewValidationError("Auth", "", "a credential is required")
	}
	if v, ok := cred.(auth.Validator); ok {
		// Refuse an incomplete credential now rather than on the first call.
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")

	hc := &http.Client{}
	if s.HTTPClient != nil {
		*hc = *s.HTTPClient // keep the caller's Timeout, Jar, CheckRedirect
	}
	base := hc.Transport
	if base == nil {
		base = defaultTransport()
	}
	hc.Transport = &transport{
		base:      base,
		cred:      cred,
		host:      u.Host,
		limiter:   s.Limiter,
		logger:    s.Logger,
		userAgent: userAgent(s.UserAgent),
	}
	t := hc.Transport.(*transport)
	t.uaValue = []string{t.userAgent}
	c := &Client{base: u, baseURL: u.String(), settings: s, static: static}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: s.RetryWaitMin,
		RetryWaitMax: s.RetryWaitMax,
		RetryMax:     s.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// originalDefaultTransport is http.DefaultTransport as the program started.
var originalDefaultTransport = http.DefaultTransport

// sharedTransport is the SDK's default transport: http.DefaultTransport's
// settings (proxy from the environment, timeouts, HTTP/2) with an idle pool
// sized for a client shared by many goroutines. Go's default keeps 2 idle
// connections per host, so 16 goroutines sharing a client would close and
// dial again a connection for several requests in a hundred (measured:
// 5-7%, costing a quarter of the throughput against the loopback mock).
// Like http.DefaultTransport, it is shared by every client that uses it.
var sharedTransport = sync.OnceValue(func() *http.Transport {
	t := originalDefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = t.MaxIdleConns // 100
	return t
})

// defaultTransport is the transport of a client given no HTTP client (or
// one without a Transport): the shared SDK transport, unless the program
// has replaced http.DefaultTransport (with httpmock.Activate, say), which is
// then used as it is.
func defaultTransport() http.RoundTripper {
	if _, ok := originalDefaultTransport.(*http.Transport); !ok || http.DefaultTransport != originalDefaultTransport {
		return http.DefaultTransport
	}
	return sharedTransport()
}

// CloseIdleConnections closes the idle connections of the SDK's default
// transport, as http.DefaultTransport's CloseIdleConnections does for its
// own: for tests that check no goroutine is left behind.
func CloseIdleConnections() {
	if _, ok := originalDefaultTransport.(*http.Transport); ok {
		sharedTransport().CloseIdleConnections()
	}
}

func userAgent(product string) string {
	ua := "iotclient-go/" + iotclient.Version
	if product != "" {
		ua = product + " " + ua
	}
	return ua
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops user information from a URL for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// ResponseInfo describes a successful response.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	Attempts   int
	Duration   time.Duration
}

func errorf(method, u string, format string, args ...any) error {
	return fmt.Errorf("iotclient: %s %s: %w", method, u, fmt.Errorf(format, args...))
}
