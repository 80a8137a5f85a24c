package auth

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
)

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
	tok := info.Header.Get(SubjectTokenHeader)
	var lifetime time.Duration
	if err == nil && (tok == "" || !headerSafe(tok)) {
		err = fmt.Errorf("%w: no usable %s header in the %d answer", iotclient.ErrMalformedResponse, SubjectTokenHeader, info.StatusCode)
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
		return IAMTokenLifetime - iamLifetimeMargin, nil
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
