package live

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/redact"
)

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// randomAppID is "iotclient-" and 16 random hex digits.
func randomAppID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "iotclient-" + hex.EncodeToString(b[:])
}

// basicCredentials reads the user name and password a credential sends as
// HTTP Basic authentication: auth.APIKey keeps its key and token to
// itself, and applying it to a throwaway request is how they are read.
func basicCredentials(c auth.Credential) (user, pass string, err error) {
	if c == nil {
		return "", "", iotclient.NewValidationError("Config.Auth", "", "is required: auth.APIKey(key, token)")
	}
	if v, ok := c.(auth.Validator); ok {
		if err := v.Validate(); err != nil {
			return "", "", err
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://monitor.invalid/", nil)
	if err := c.Apply(req, nil); err != nil {
		return "", "", err
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user == "" || pass == "" {
		return "", "", iotclient.NewValidationError("Config.Auth", "", "must be auth.APIKey(key, token): the broker takes an API key and token")
	}
	return user, pass, nil
}

// setBroker works out and validates the broker address.
func (m *monitor) setBroker(cfg Config, org string, allowInsecure bool) error {
	const field = "Config.Broker"
	raw := cfg.Broker
	if raw == "" {
		domain := cfg.Domain
		if domain == "" {
			domain = clientstate.DefaultDomain
		}
		if !validDomainName(domain) {
			return iotclient.NewValidationError("Config.Domain", domain, "must be a host name such as "+clientstate.DefaultDomain)
		}
		raw = "ssl://" + org + ".messaging." + domain + ":" + strconv.Itoa(DefaultMessagingPort)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return iotclient.NewValidationError(field, redact.URL(raw), "must be an address such as ssl://host:8883 or tcp://127.0.0.1:1883")
	}
	if u.User != nil {
		return iotclient.NewValidationError(field, redact.URL(raw), "must not carry credentials: use Auth")
	}
	secure := false
	defaultPort := ""
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
		return iotclient.NewValidationError(field, redact.URL(raw), "has an unsupported scheme: use tcp, ssl, ws or wss")
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	if !secure && !allowInsecure && !core.IsLoopback(u.Hostname()) {
		return iotclient.NewValidationError(field, redact.URL(u.String()), "is not encrypted and not a loopback address: the token would travel in clear (use ssl:// or wss://, or iotclient.WithInsecureCredentials)")
	}
	if r := tlsVersionReason(cfg.TLSConfig); r != "" {
		return iotclient.NewValidationError("Config.TLSConfig", "", r)
	}
	if secure {
		t := &tls.Config{}
		if cfg.TLSConfig != nil {
			t = cfg.TLSConfig.Clone()
		}
		if t.ServerName == "" {
			t.ServerName = u.Hostname()
		}
		if t.MinVersion < tls.VersionTLS12 {
			t.MinVersion = tls.VersionTLS12
		}
		m.tls = t
	}
	m.broker = u
	m.brokerStr = u.String()
	m.brokerShown = redact.URL(m.brokerStr)
	return nil
}

// tlsVersionReason returns why a TLS configuration can never connect to a
// broker (which needs TLS 1.2 or later), or "". Refusing it here is
// clearer than a handshake that fails on every attempt.
func tlsVersionReason(t *tls.Config) string {
	switch {
	case t == nil || t.MaxVersion == 0:
		return ""
	case t.MaxVersion < tls.VersionTLS12:
		return "MaxVersion " + tls.VersionName(t.MaxVersion) + " is below TLS 1.2, the least the monitor uses"
	case t.MinVersion > t.MaxVersion:
		return "MinVersion " + tls.VersionName(t.MinVersion) + " is above MaxVersion " + tls.VersionName(t.MaxVersion)
	}
	return ""
}

// validDomainName accepts dot-separated labels of letters, digits and '-'.
func validDomainName(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
