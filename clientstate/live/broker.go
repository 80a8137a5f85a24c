package live

import (
	"cmp"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// basicCredentials reads the key and token of an auth.APIKey, which keeps
// them to itself, by applying it to a throwaway request (Apply reports an
// invalid credential).
func basicCredentials(c auth.Credential) (user, pass string, err error) {
	if c == nil {
		return "", "", invalid.Field("Config.Auth", "", "is required: auth.APIKey(key, token)")
	}
	req, _ := http.NewRequest(http.MethodGet, "https://monitor.invalid/", nil)
	if err := c.Apply(req, nil); err != nil {
		return "", "", err
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user == "" || pass == "" {
		return "", "", invalid.Field("Config.Auth", "", "must be auth.APIKey(key, token): the broker takes an API key and token")
	}
	return user, pass, nil
}

// setBroker works out and validates the broker address and TLS config.
func (m *monitor) setBroker(cfg Config, org string, allowInsecure bool) error {
	const field = "Config.Broker"
	raw := cfg.Broker
	if raw == "" {
		domain, err := ibmorg.Domain(cfg.Domain, clientstate.DefaultDomain)
		if err != nil {
			return err
		}
		raw = "ssl://" + org + ".messaging." + domain + ":" + strconv.Itoa(DefaultMessagingPort)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return invalid.Field(field, redact.URL(raw), "must be an address such as ssl://host:8883 or tcp://127.0.0.1:1883")
	}
	if u.User != nil {
		return invalid.Field(field, redact.URL(raw), "must not carry credentials: use Auth")
	}
	core.NormalizeLoopback(u) // so that ws:// to a loopback broker never goes through HTTP_PROXY
	secure, defaultPort := false, ""
	switch strings.ToLower(u.Scheme) {
	case "tcp", "mqtt":
		u.Scheme, defaultPort = "tcp", "1883"
	case "ssl", "tls", "mqtts", "tcps":
		u.Scheme, defaultPort, secure = "ssl", "8883", true
	case "ws":
		defaultPort = "80"
	case "wss":
		defaultPort, secure = "443", true
	default:
		return invalid.Field(field, redact.URL(raw), "has an unsupported scheme: use tcp, ssl, ws or wss")
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	if !secure && !allowInsecure && !core.IsLoopback(u.Hostname()) {
		return invalid.Field(field, redact.URL(u.String()), "is not encrypted and not a loopback address: the token would travel in clear (use ssl:// or wss://, or iotclient.WithInsecureCredentials)")
	}
	if t := cfg.TLSConfig; t != nil && t.MaxVersion != 0 {
		// Refused here rather than by a handshake failing on every attempt.
		switch {
		case t.MaxVersion < tls.VersionTLS12:
			return invalid.Field("Config.TLSConfig", "", "MaxVersion "+tls.VersionName(t.MaxVersion)+" is below TLS 1.2, the least the monitor uses")
		case t.MinVersion > t.MaxVersion:
			return invalid.Field("Config.TLSConfig", "", "MinVersion "+tls.VersionName(t.MinVersion)+" is above MaxVersion "+tls.VersionName(t.MaxVersion))
		}
	}
	if secure {
		m.tls = cmp.Or(cfg.TLSConfig.Clone(), &tls.Config{}) // Clone of nil is nil
		m.tls.ServerName = cmp.Or(m.tls.ServerName, u.Hostname())
		m.tls.MinVersion = max(m.tls.MinVersion, tls.VersionTLS12)
	}
	m.broker = u
	m.brokerShown = redact.URL(u.String())
	return nil
}
