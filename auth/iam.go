package auth

import (
	"fmt"
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// Defaults of IAMConfig and of the login.
const (
	// DefaultIAMRefreshBefore is how long before a token expires it is
	// renewed when IAMConfig.RefreshBefore is zero.
	DefaultIAMRefreshBefore = 5 * time.Minute
	// IAMLoginTimeout bounds one login, all its attempts included.
	IAMLoginTimeout = time.Minute
	// IAMTokenLifetime is the lifetime IAM documents for a token: 24
	// hours. A token whose answer has no expires_at is kept for this long
	// less a margin of 10 minutes.
	IAMTokenLifetime = 24 * time.Hour
	// SubjectTokenHeader is the response header IAM returns a new token in.
	SubjectTokenHeader = "X-Subject-Token"
)

// IAMConfig says where and as whom IAMPassword logs in. It holds no
// secret (the password is IAMPassword's second argument), so printing it,
// even nested in an unexported field where fmt cannot call its methods,
// shows nothing that must stay hidden.
type IAMConfig struct {
	// Endpoint is the IAM endpoint of the region, such as
	// "https://iam.cn-north-4.myhuaweicloud.com", or the mock server's URL
	// in tests. Plain http is refused except to a loopback address, so the
	// password cannot cross a network unencrypted.
	Endpoint string
	// Domain is the account (domain) name the IAM user belongs to.
	Domain string
	// User is the IAM user name.
	User string
	// Project is the name of the project the token is scoped to: the region
	// name, such as "cn-north-4" (IoTDA needs a project-scoped token).
	Project string
	// RefreshBefore is how long before the token expires it is renewed
	// (default 5 minutes, capped at half the token's lifetime). Renewal
	// happens in the background while the current token is still used.
	RefreshBefore time.Duration
}

// IAMPassword authenticates IoTDA requests with an IAM token obtained by
// password login (POST {Endpoint}/v3/auth/tokens) and sent as X-Auth-Token.
//
// The login is sent through the SDK's HTTP core with the options of the
// client the credential is given to (HTTP client, retries, backoff, rate
// limit, logger, User-Agent, attempt timeout); a credential shared by
// several clients logs in through the first one built. It is never
// redirected, and one login (all its attempts) ends after IAMLoginTimeout.
//
// The token is fetched on first use, cached, and renewed in the background
// RefreshBefore (default 5 minutes) before it expires; calls keep using the
// current token meanwhile. However many requests need a token at once, one
// login is made and the others wait for it (each until its own context
// ends). The token's lifetime is taken from the answer's issued_at and
// expires_at, timed with the local monotonic clock, so a skewed local clock
// does not matter; an answer without expires_at gets IAMTokenLifetime less
// a margin.
//
// When the platform answers 401 (the token was revoked, or expired early),
// the SDK invalidates the token and repeats the request once with a new one
// (see Refresher), at most once a minute: a platform that refuses every
// token does not cause a password login per call.
//
// A failed login makes the request fail with an error wrapping an
// *iotclient.APIError that carries IAM's status, code and message (never the
// password or a token). A failure is remembered and returned to every
// caller without asking IAM again: for 10 seconds after a transient one
// (connection errors, 429, 5xx, which the login retries like any read),
// for a minute when IAM refuses the credentials (any other 4xx), so a busy
// client with a wrong password cannot get the IAM user locked.
//
// The configuration is checked when the IoTDA client is built (and by every
// Apply): password and every field but RefreshBefore are required.
func IAMPassword(cfg IAMConfig, password string) Credential {
	c := &iamCredential{cfg: cfg, password: hide(password), refreshBefore: DefaultIAMRefreshBefore}
	c.base = base{desc: fmt.Sprintf("auth.IAMPassword{Endpoint: %q, Domain: %q, User: %q, Password: %s, Project: %q}",
		redact.URL(cfg.Endpoint), cfg.Domain, cfg.User, secret(password), cfg.Project)}
	c.invalid = c.check()
	if cfg.RefreshBefore > 0 {
		c.refreshBefore = cfg.RefreshBefore
	}
	return c
}

// iamCredential is a pointer type for the reason given on tokenCredential.
// The token cache is in iam_token.go, the login in iam_login.go.
type iamCredential struct {
	base
	cfg           IAMConfig
	password      hidden
	refreshBefore time.Duration

	mu        sync.Mutex
	login     *core.Client // sends the login; set by BindSettings
	token     hidden
	prevToken hidden    // the token before, still scrubbed from errors
	holdUntil time.Time // no invalidation before: a fresh token was refused
	expiresAt time.Time // local monotonic time the token expires
	refreshAt time.Time // local time to start renewing it
	flight    *iamFlight
	failure   error // the last failed login, returned until failedUntil
	failedTil time.Time
}

func (c *iamCredential) check() error {
	const field = "auth.IAMPassword"
	if c.cfg.Endpoint == "" {
		return missing(field+" Endpoint", "the IAM endpoint is empty")
	}
	if _, err := core.ParseEndpoint(field+" Endpoint", c.cfg.Endpoint, false); err != nil {
		return err
	}
	switch {
	case c.cfg.Domain == "":
		return missing(field+" Domain", "the account (domain) name is empty")
	case c.cfg.User == "":
		return missing(field+" User", "the IAM user name is empty")
	case c.password.get() == "":
		return missing(field+" Password", "the password is empty")
	case c.cfg.Project == "":
		return missing(field+" Project", "the project (region) name the token is scoped to is empty")
	case c.cfg.RefreshBefore < 0:
		return missing(field+" RefreshBefore", "must not be negative")
	}
	return nil
}

// BindSettings is called by the SDK when a client is built with this
// credential: the login is sent through a client of the SDK's HTTP core
// with the same settings. The first client built wins.
func (c *iamCredential) BindSettings(s config.Settings) error {
	if c.invalid != nil {
		return c.invalid
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.login != nil {
		return nil
	}
	cl, err := core.New(c.cfg.Endpoint, loginAuth{c}, s, nil)
	if err != nil {
		return err
	}
	c.login = cl
	return nil
}

// Secrets lists the password and the tokens, which the SDK removes from
// every error text.
func (c *iamCredential) Secrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return []string{c.password.get(), c.token.get(), c.prevToken.get()}
}
