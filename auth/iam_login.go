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

// iamTokenPath is the IAM password-login call.
const iamTokenPath = "/v3/auth/tokens"

// nocatalog leaves the large, unused service catalog out of the answer.
var nocatalog = url.Values{"nocatalog": {"true"}}

// loginAuth is the credential of the login client: the password travels in
// the body, so Apply adds nothing, but the password and the tokens are
// removed from the login's errors.
type loginAuth struct{ c *iamCredential }

func (loginAuth) Apply(*http.Request, []byte) error { return nil }

func (a loginAuth) Secrets() []string { return a.c.Secrets() }

type iamAnswer struct {
	Token *struct {
		ExpiresAt string `json:"expires_at"`
		IssuedAt  string `json:"issued_at"`
	} `json:"token"`
}

// fetch logs in once through the SDK's HTTP core, which retries
// connection errors, 429 and 5xx (a login is safe to repeat) and never
// follows a redirect of the POST.
func (c *iamCredential) fetch(ctx context.Context) (string, time.Duration, error) {
	type obj = map[string]any
	user := obj{"domain": obj{"name": c.cfg.Domain}, "name": c.cfg.User, "password": c.password.get()}
	body := obj{"auth": obj{
		"identity": obj{"methods": []string{"password"}, "password": obj{"user": user}},
		"scope":    obj{"project": obj{"name": c.cfg.Project}},
	}}
	var ans iamAnswer
	info, err := c.login.Do(ctx, core.Request{
		Method: http.MethodPost, Path: iamTokenPath, Query: nocatalog, Body: body, Idempotent: true,
	}, &ans)
	if err == nil {
		var tok string
		tok, err = token(info)
		if err == nil {
			var lifetime time.Duration
			if lifetime, err = tokenLifetime(&ans); err == nil {
				return tok, lifetime, nil
			}
		}
	}
	return "", 0, fmt.Errorf("auth: IAM login of user %q (domain %q, project %q) failed: %w",
		c.cfg.User, c.cfg.Domain, c.cfg.Project, err)
}

func token(info core.ResponseInfo) (string, error) {
	tok := info.Header.Get(SubjectTokenHeader)
	if tok == "" || !headerSafe(tok) {
		return "", fmt.Errorf("%w: no usable %s header in the %d answer", iotclient.ErrMalformedResponse, SubjectTokenHeader, info.StatusCode)
	}
	return tok, nil
}

// tokenLifetime is expires_at − issued_at, or expires_at − now when IAM
// sent no issue time, or the documented lifetime less a margin when it
// sent no expiry.
func tokenLifetime(a *iamAnswer) (time.Duration, error) {
	if a.Token == nil || a.Token.ExpiresAt == "" {
		return IAMTokenLifetime - iamLifetimeMargin, nil
	}
	exp, err := time.Parse(time.RFC3339Nano, a.Token.ExpiresAt)
	if err != nil {
		return 0, fmt.Errorf("%w: token.expires_at %q is not an RFC 3339 time", iotclient.ErrMalformedResponse, a.Token.ExpiresAt)
	}
	var lifetime time.Duration
	if issued, err := time.Parse(time.RFC3339Nano, a.Token.IssuedAt); err == nil && a.Token.IssuedAt != "" {
		lifetime = exp.Sub(issued)
	} else {
		lifetime = time.Until(exp)
	}
	if lifetime <= 0 || lifetime == math.MaxInt64 {
		return 0, fmt.Errorf("%w: the token expires at %s, before it was issued or already", iotclient.ErrMalformedResponse, a.Token.ExpiresAt)
	}
	return lifetime, nil
}
