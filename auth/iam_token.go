package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
)

// Timing of the token cache (see IAMPassword).
const (
	iamRejectCooldown  = time.Minute      // a refusal of the credentials is remembered
	iamFailureBackoff  = 10 * time.Second // any other failed login is remembered
	iamReloginInterval = time.Minute      // Invalidate keeps a token after RefreshRejected
	iamLifetimeMargin  = 10 * time.Minute // off iamTokenLifetime without expires_at
)

// iamFlight is one login that many callers may wait for.
type iamFlight struct {
	done  chan struct{}
	token string
	err   error
}

// Apply sets X-Auth-Token, logging in first when there is no valid token.
// Waiting for a login ends with req's context.
func (c *iamCredential) Apply(req *http.Request, _ []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	tok, err := c.tokenFor(req.Context())
	if err != nil {
		return err
	}
	req.Header.Set(tokenHeader, tok)
	return nil
}

// Invalidate drops the cached token if sent carried it (see Refresher),
// unless a fresh token was refused less than a minute ago.
func (c *iamCredential) Invalidate(sent *http.Request) bool {
	var used string
	if sent != nil {
		used = sent.Header.Get(tokenHeader)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.token.get() == "":
		return true // a login is due anyway
	case used != "" && used != c.token.get():
		return true // already replaced
	case time.Now().Before(c.holdUntil):
		return false
	}
	c.retire()
	return true
}

// RefreshRejected is called when a fresh token got a 401 too: for a
// minute, Invalidate keeps the token rather than log in for every call.
func (c *iamCredential) RefreshRejected(*http.Request) {
	c.mu.Lock()
	c.holdUntil = time.Now().Add(iamReloginInterval)
	c.mu.Unlock()
}

// tokenFor returns the cached token, starting a renewal when it is due, or
// waits for a login. A login outlives the caller's cancellation, since
// others may wait for it.
func (c *iamCredential) tokenFor(ctx context.Context) (string, error) {
	c.mu.Lock()
	if c.login == nil {
		c.mu.Unlock()
		return "", errors.New("auth: IAMPassword logs in through the client it is given to (commands.NewClient); it cannot be applied on its own")
	}
	now := time.Now()
	failing := c.failure != nil && now.Before(c.failedTil)
	valid := c.token.get() != "" && now.Before(c.expiresAt)
	if c.flight == nil && !failing && (!valid || !now.Before(c.refreshAt)) {
		c.flight = &iamFlight{done: make(chan struct{})}
		go c.run(context.WithoutCancel(ctx), c.flight)
	}
	f, tok, failure := c.flight, c.token.get(), c.failure
	c.mu.Unlock()
	switch {
	case valid:
		return tok, nil
	case failing:
		return "", failure
	}
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("auth: waiting for an IAM token: %w", ctx.Err())
	}
}

func (c *iamCredential) run(ctx context.Context, f *iamFlight) {
	ctx, cancel := context.WithTimeout(ctx, iamLoginTimeout)
	defer cancel()
	start := time.Now()
	tok, lifetime, err := c.fetch(ctx)

	c.mu.Lock()
	now := time.Now()
	if err == nil {
		c.retire()
		c.token = hide(tok)
		c.expiresAt = start.Add(lifetime)
		c.refreshAt = c.expiresAt.Add(-min(cmp.Or(c.cfg.RefreshBefore, DefaultIAMRefreshBefore), lifetime/2))
		c.failure = nil
	} else {
		c.failure, c.failedTil = err, now.Add(iamFailureBackoff)
		// A refusal says the credentials are wrong: asking again soon
		// could lock the IAM user.
		if ae, ok := errors.AsType[*iotclient.APIError](err); ok && ae.StatusCode != http.StatusRequestTimeout &&
			ae.StatusCode != http.StatusTooManyRequests && ae.StatusCode < 500 {
			c.failedTil = now.Add(iamRejectCooldown)
		}
	}
	c.flight = nil
	f.token, f.err = tok, err
	c.mu.Unlock()
	close(f.done)
}
