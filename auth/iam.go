package auth

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// DefaultIAMRefreshBefore is IAMConfig.RefreshBefore's default.
const DefaultIAMRefreshBefore = 5 * time.Minute

// The login's own constants: IAMPassword's godoc states their values, and
// only this package needs their names.
const (
	// iamLoginTimeout bounds one login, all its attempts included.
	iamLoginTimeout = time.Minute
	// iamTokenLifetime is the lifetime IAM documents for a token; an
	// answer without expires_at is kept for this less 10 minutes.
	iamTokenLifetime = 24 * time.Hour
	// subjectTokenHeader is the response header IAM returns a token in.
	subjectTokenHeader = "X-Subject-Token"
)

// IAMConfig says where and as whom IAMPassword logs in. It holds no secret
// (the password is IAMPassword's own argument), so any printing is safe.
type IAMConfig struct {
	// Endpoint is the region's IAM endpoint, such as
	// "https://iam.cn-north-4.myhuaweicloud.com"; plain http only to a
	// loopback address.
	Endpoint string
	// Domain is the account (domain) name the IAM user belongs to.
	Domain string
	// User is the IAM user name.
	User string
	// Project is the project the token is scoped to, the region name such
	// as "cn-north-4" (IoTDA needs a project-scoped token).
	Project string
	// RefreshBefore is how long before expiry the token is renewed in the
	// background (default 5 minutes, at most half the token's lifetime).
	RefreshBefore time.Duration
}

// IAMPassword authenticates IoTDA requests with an IAM token obtained by
// password login (POST {Endpoint}/v3/auth/tokens) and sent as X-Auth-Token.
// Every field but RefreshBefore is required, and the password.
//
// The login goes through the SDK's HTTP core with the options of the client
// the credential is given to (the first one built, if shared); it is never
// redirected and ends after a minute, all its attempts included. The
// token is fetched on first use and renewed in the background before it
// expires; concurrent callers share one login. Its lifetime is
// expires_at − issued_at on the local monotonic clock, so local clock skew
// does not matter; a token IAM gives without expires_at is kept for the 24
// hours IAM documents, less 10 minutes.
//
// After a 401 the token is replaced and the request repeated once (see
// Refresher), at most once a minute. A failed login is an error wrapping
// IAM's *iotclient.APIError, returned to every caller without asking IAM
// again for 10 seconds after a transient failure (connection, 429, 5xx)
// and for a minute after a refusal (other 4xx), so a wrong password cannot
// get the IAM user locked.
func IAMPassword(cfg IAMConfig, password string) Credential {
	c := &iamCredential{cfg: cfg, password: hide(password)}
	c.base = base{desc: fmt.Sprintf("auth.IAMPassword{Endpoint: %q, Domain: %q, User: %q, Password: %s, Project: %q}",
		redact.URL(cfg.Endpoint), cfg.Domain, cfg.User, secret(password), cfg.Project)}
	c.invalid = c.check()
	return c
}

// iamCredential is a pointer type for the reason given on tokenCredential.
type iamCredential struct {
	base
	cfg      IAMConfig
	password hidden

	mu        sync.Mutex
	login     *core.Client // sends the login; set by BindSettings
	token     hidden
	oldTokens []hidden  // replaced, newest last: still scrubbed from errors
	holdUntil time.Time // no invalidation before: a fresh token was refused
	expiresAt time.Time
	refreshAt time.Time
	flight    *iamFlight
	failure   error // the last failed login, returned until failedTil
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

// BindSettings gives the login the settings of the first client built
// with this credential.
func (c *iamCredential) BindSettings(s config.Settings) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if c.login == nil {
		c.login, err = core.New(c.cfg.Endpoint, loginAuth{c}, s, nil)
	}
	return err
}

// Secrets lists the password, the token and the tokens it replaced (see
// keptTokens).
func (c *iamCredential) Secrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []string{c.password.get(), c.token.get()}
	for _, t := range c.oldTokens {
		out = append(out, t.get())
	}
	return out
}

// keptTokens is how many replaced tokens stay in the scrub list: a request
// that carried one may still fail after it was replaced (a 401 replaces it
// while other requests with it are in flight), and its server may echo it.
const keptTokens = 8

// retire moves the current token to the replaced ones; c.mu is held.
func (c *iamCredential) retire() {
	if c.token.get() == "" {
		return
	}
	c.oldTokens = append(c.oldTokens, c.token)
	if n := len(c.oldTokens); n > keptTokens {
		c.oldTokens = slices.Delete(c.oldTokens, 0, n-keptTokens)
	}
	c.token = hidden{}
}

// loginAuth is the login client's credential: the password travels in the
// body, but it and the tokens are still scrubbed from the login's errors.
type loginAuth struct{ c *iamCredential }

func (loginAuth) Apply(*http.Request, []byte) error { return nil }

func (a loginAuth) Secrets() []string { return a.c.Secrets() }

type iamAnswer struct {
	Token *struct {
		ExpiresAt string `json:"expires_at"`
		IssuedAt  string `json:"issued_at"`
	} `json:"token"`
}

// fetch logs in once; the core retries it like a read and never follows a
// redirect of the POST.
func (c *iamCredential) fetch(ctx context.Context) (string, time.Duration, error) {
	type obj = map[string]any
	user := obj{"domain": obj{"name": c.cfg.Domain}, "name": c.cfg.User, "password": c.password.get()}
	body := obj{"auth": obj{
		"identity": obj{"methods": []string{"password"}, "password": obj{"user": user}},
		"scope":    obj{"project": obj{"name": c.cfg.Project}},
	}}
	var ans iamAnswer
	info, err := c.login.Do(ctx, core.Request{
		// nocatalog leaves the large, unused service catalog out.
		Method: http.MethodPost, Path: "/v3/auth/tokens", Query: url.Values{"nocatalog": {"true"}}, Body: body, Idempotent: true,
	}, &ans)
	tok := info.Header.Get(subjectTokenHeader)
	var lifetime time.Duration
	if err == nil && (tok == "" || !headerSafe(tok)) {
		err = fmt.Errorf("%w: no usable %s header in the %d answer", iotclient.ErrMalformedResponse, subjectTokenHeader, info.StatusCode)
	}
	if err == nil {
		lifetime, err = tokenLifetime(&ans)
	}
	if err != nil {
		return "", 0, fmt.Errorf("auth: IAM login of user %q (domain %q, project %q) failed: %w",
			c.cfg.User, c.cfg.Domain, c.cfg.Project, err)
	}
	return tok, lifetime, nil
}

// tokenLifetime is expires_at − issued_at, else expires_at − now, else
// the documented lifetime less a margin.
func tokenLifetime(a *iamAnswer) (time.Duration, error) {
	if a.Token == nil || a.Token.ExpiresAt == "" {
		return iamTokenLifetime - iamLifetimeMargin, nil
	}
	exp, err := time.Parse(time.RFC3339Nano, a.Token.ExpiresAt)
	if err != nil {
		return 0, fmt.Errorf("%w: token.expires_at %q is not an RFC 3339 time", iotclient.ErrMalformedResponse, a.Token.ExpiresAt)
	}
	var lifetime time.Duration
	if issued, err := time.Parse(time.RFC3339Nano, a.Token.IssuedAt); err == nil {
		lifetime = exp.Sub(issued)
	} else {
		lifetime = time.Until(exp)
	}
	if lifetime <= 0 || lifetime == math.MaxInt64 {
		return 0, fmt.Errorf("%w: the token expires at %s, before it was issued or already", iotclient.ErrMalformedResponse, a.Token.ExpiresAt)
	}
	return lifetime, nil
}
