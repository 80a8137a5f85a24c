package core

import (
	"net"
	"net/url"
	"strings"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// ParseEndpoint is the SDK's one check of an endpoint credentials are sent
// to: an absolute http(s) URL without user information, query or fragment,
// and plain http only to a loopback address unless allowInsecure. A problem
// is a *iotclient.ValidationError naming field. The path loses a trailing
// slash.
func ParseEndpoint(field, raw string, allowInsecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	shown := redact.URL(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return nil, invalid.Field(field, shown, "must be an absolute http(s) URL")
	case u.User != nil:
		return nil, invalid.Field(field, shown, "must not carry user information; use the Auth field")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, invalid.Field(field, shown, "must not have a query or fragment")
	case u.Scheme == "http" && !allowInsecure && !IsLoopback(u.Hostname()):
		return nil, invalid.Field(field, shown,
			"credentials are only sent over plain http to a loopback address; use https (or iotclient.WithInsecureCredentials)")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	NormalizeLoopback(u)
	return u, nil
}

// NormalizeLoopback spells the host name localhost in lower case, as
// IsLoopback accepts it in any case: Go's environment proxy (HTTP_PROXY)
// exempts only "localhost" and loopback addresses, and credentials sent to
// a loopback endpoint over plain http must not go through a proxy.
func NormalizeLoopback(u *url.URL) {
	if h := u.Hostname(); h != "localhost" && strings.EqualFold(h, "localhost") {
		if p := u.Port(); p != "" {
			u.Host = "localhost:" + p
		} else {
			u.Host = "localhost"
		}
	}
}

// IsLoopback reports whether host (without port) is a loopback address,
// the only place plain-text credentials may go by default.
func IsLoopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
}
