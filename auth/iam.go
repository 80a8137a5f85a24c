package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
)

// Refresher is implemented by credentials whose token can be replaced: when
// the platform answers 401 to a request, the SDK calls Invalidate with the
// request as it was sent and repeats the request once, so Apply fetches a
// fresh token (a 401 means the request was not processed, so repeating it
// is safe whatever its method). IAMPassword implements it.
type Refresher interface {
	Credential
	// Invalidate drops the token sent in sent (the request as it went out,
	// with the credential applied), so that the next Apply fetches a new
	// one. It does nothing when the credential has already replaced that
	// token, so many requests failing with the same stale token cause one
	// refresh, not one each. A nil sent, or one carrying no token, drops
	// the current token.
	Invalidate(sent *http.Request)
}

// Defaults of IAMConfig.
const (
	// DefaultIAMRefreshBefore is how long before a token expires it is
	// renewed when IAMConfig.RefreshBefore is zero.
	DefaultIAMRefreshBefore = 5 * time.Minute
	// iamLoginTimeout bounds one login (all its attempts) when the caller's
	// HTTP client has no timeout of its own.
	iamLoginTimeout = time.Minute
	// iamRejectCooldown is how long a refusal of the credentials by IAM is
	// remembered before the next login attempt.
	iamRejectCooldown = time.Minute
	// iamRetryAfterFailure spaces background renewals after a failed one.
	iamRetryAfterFailure = 10 * time.Second
	// iamLoginAttempts is how many times one login is tried on connection
	// errors, 429 and 5xx.
	iamLoginAttempts = 3
	// iamMaxBody caps the IAM answer read (nocatalog keeps it small).
	iamMaxBody = 1 << 20
	// iamTokenPath is the IAM password-login call.
	iamTokenPath = "/v3/auth/tokens"
	// SubjectTokenHeader is the response header IAM returns a new token in.
	SubjectTokenHeader = "X-Subject-Token"
)

// IAMConfig says where and as whom IAMPassword logs in. Printing it (with
// %v, %+v, %#v or log/slog) never shows the password.
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
	// Password is the IAM user's password.
	Password string
	// Project is the name of the project the token is scoped to: the region
	// name, such as "cn-north-4" (IoTDA needs a project-scoped token).
	Project string
	// HTTPClient sends the login requests; nil means a client of the SDK's
	// own with a one-minute timeout (proxy settings come from the
	// environment). Redirects are never followed, whichever client is used,
	// so the password is sent to Endpoint only. The IoTDA client's
	// iotclient.WithHTTPClient does not apply to IAM.
	HTTPClient *http.Client
	// RefreshBefore is how long before the token expires it is renewed
	// (default 5 minutes, capped at half the token's lifetime). Renewal
	// happens in the background while the current token is still used.
	RefreshBefore time.Duration
}

// String describes the configuration without the password.
func (c IAMConfig) String() string {
	return fmt.Sprintf("auth.IAMConfig{Endpoint: %q, Domain: %q, User: %q, Password: %s, Project: %q}",
		c.Endpoint, c.Domain, c.User, secret(c.Password), c.Project)
}

// GoString is String: the Go syntax form must not show the password either.
func (c IAMConfig) GoString() string { return c.String() }

// Format prints the redacted form for every verb.
func (c IAMConfig) Format(f fmt.State, verb rune) { format(f, verb, c.String(), c.GoString()) }

// LogValue logs the redacted form.
func (c IAMConfig) LogValue() slog.Value { return logValue(c.String()) }

// MarshalJSON encodes the configuration with the password redacted and
// without HTTPClient, so that dumping a configuration cannot leak it.
func (c IAMConfig) MarshalJSON() ([]byte, error) {
	pw := ""
	if c.Password != "" {
		pw = redacted
	}
	return json.Marshal(struct {
		Endpoint, Domain, User, Password, Project string
		RefreshBefore                             time.Duration `json:",omitempty"`
	}{c.Endpoint, c.Domain, c.User, pw, c.Project, c.RefreshBefore})
}

// IAMPassword authenticates IoTDA requests with an IAM token obtained by
// password login (POST {Endpoint}/v3/auth/tokens) and sent as X-Auth-Token.
//
// The token is fetched on first use, cached, and renewed in the background
// RefreshBefore (default 5 minutes) before it expires; calls keep using the
// current token meanwhile. However many requests need a token at once, one
// login is made and the others wait for it (each until its own context
// ends). The token's lifetime is taken from the answer's issued_at and
// expires_at, and timed with the local monotonic clock, so a skewed local
// clock does not matter.
//
// When the platform answers 401 (the token was revoked, or expired early),
// the SDK invalidates the token and repeats the request once with a new one
// (see Refresher).
//
// A failed login makes the request fail with an error wrapping an
// *iotclient.APIError that carries IAM's status, code and message (never the
// password or a token). Connection errors, 429 and 5xx are retried up to
// three times within one login. When IAM refuses the credentials (any other
// 4xx) the refusal is remembered for a minute and returned without asking
// IAM again, so a busy client with a wrong password cannot get the IAM user
// locked for repeated failed logins.
//
// The configuration is checked when the IoTDA client is built (and by every
// Apply): every field but HTTPClient and RefreshBefore is required.
func IAMPassword(cfg IAMConfig) Credential {
	c := &iamCredential{cfg: cfg}
	c.invalid = c.check()
	hc := &http.Client{Timeout: iamLoginTimeout}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = hc
	if cfg.RefreshBefore > 0 {
		c.refreshBefore = cfg.RefreshBefore
	} else {
		c.refreshBefore = DefaultIAMRefreshBefore
	}
	if u, err := url.Parse(strings.TrimSuffix(cfg.Endpoint, "/")); err == nil {
		u.Path += iamTokenPath
		u.RawQuery = "nocatalog=true" // the service catalog is large and unused
		c.tokenURL = u.String()
	}
	return c
}

// iamCredential is a pointer type for the reason given on tokenCredential.
type iamCredential struct {
	cfg           IAMConfig
	invalid       error // the configuration's problem, found once
	hc            *http.Client
	tokenURL      string
	refreshBefore time.Duration

	mu            sync.Mutex
	token         string
	expiresAt     time.Time // local monotonic time the token expires
	refreshAt     time.Time // local time to start renewing it
	flight        *iamFlight
	lastFailure   time.Time
	rejected      error // IAM refused the credentials ...
	rejectedUntil time.Time
}

// iamFlight is one login that many callers may wait for.
type iamFlight struct {
	done  chan struct{}
	token string
	err   error
}

func (c *iamCredential) check() error {
	const field = "auth.IAMPassword"
	u, err := url.Parse(c.cfg.Endpoint)
	switch {
	case c.cfg.Endpoint == "":
		return missing(field+" Endpoint", "the IAM endpoint is empty")
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return missing(field+" Endpoint", "the IAM endpoint must be an absolute http(s) URL")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return missing(field+" Endpoint", "the IAM endpoint must not carry user information, a query or a fragment")
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		return missing(field+" Endpoint", "the password is only sent over plain http to a loopback address; use https")
	case c.cfg.Domain == "":
		return missing(field+" Domain", "the account (domain) name is empty")
	case c.cfg.User == "":
		return missing(field+" User", "the IAM user name is empty")
	case c.cfg.Password == "":
		return missing(field+" Password", "the password is empty")
	case c.cfg.Project == "":
		return missing(field+" Project", "the project (region) name the token is scoped to is empty")
	case c.cfg.RefreshBefore < 0:
		return missing(field+" RefreshBefore", "must not be negative")
	}
	return nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate reports an incomplete configuration. It sends nothing.
func (c *iamCredential) Validate() error { return c.invalid }

// Apply sets X-Auth-Token to a valid token, logging in first when there is
// none. Waiting for a login ends when req's context does.
func (c *iamCredential) Apply(req *http.Request, _ []byte) error {
	if c.invalid != nil {
		return c.invalid
	}
	if req == nil {
		return errors.New("auth: IAMPassword: nil request")
	}
	tok, err := c.tokenFor(req.Context())
	if err != nil {
		return err
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.Header.Set(TokenHeader, tok)
	return nil
}

// Invalidate drops the cached token if sent carried it (see Refresher).
func (c *iamCredential) Invalidate(sent *http.Request) {
	var used string
	if sent != nil {
		used = sent.Header.Get(TokenHeader)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && (used == "" || used == c.token) {
		c.token = ""
	}
}

// tokenFor returns the cached token, starting a background renewal when it
// is due, or waits for a login when there is no usable token.
func (c *iamCredential) tokenFor(ctx context.Context) (string, error) {
	c.mu.Lock()
	now := time.Now()
	if c.token != "" && now.Before(c.expiresAt) {
		tok := c.token
		if !now.Before(c.refreshAt) && c.flight == nil && !now.Before(c.lastFailure.Add(iamRetryAfterFailure)) {
			c.startLoginLocked(ctx)
		}
		c.mu.Unlock()
		return tok, nil
	}
	if c.rejected != nil && now.Before(c.rejectedUntil) {
		err := c.rejected
		c.mu.Unlock()
		return "", err
	}
	f := c.flight
	if f == nil {
		f = c.startLoginLocked(ctx)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", fmt.Errorf("auth: waiting for an IAM token: %w", ctx.Err())
	}
}

// startLoginLocked starts a login that outlives the caller's cancellation
// (others may be waiting for it) but not its own timeout. Call with c.mu
// held.
func (c *iamCredential) startLoginLocked(ctx context.Context) *iamFlight {
	f := &iamFlight{done: make(chan struct{})}
	c.flight = f
	go c.login(context.WithoutCancel(ctx), f)
	return f
}

func (c *iamCredential) login(ctx context.Context, f *iamFlight) {
	if c.hc.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, iamLoginTimeout)
		defer cancel()
	}
	start := time.Now()
	tok, lifetime, err := c.fetch(ctx)

	c.mu.Lock()
	now := time.Now()
	if err == nil {
		c.token = tok
		c.expiresAt = start.Add(lifetime)
		c.refreshAt = c.expiresAt.Add(-min(c.refreshBefore, lifetime/2))
		c.rejected = nil
	} else {
		c.lastFailure = now
		var ae *iotclient.APIError
		if errors.As(err, &ae) && !retryableIAMStatus(ae.StatusCode) {
			c.rejected, c.rejectedUntil = err, now.Add(iamRejectCooldown)
		}
	}
	c.flight = nil
	f.token, f.err = tok, err
	c.mu.Unlock()
	close(f.done)
}

// fetch logs in, retrying connection errors, 429 and 5xx.
func (c *iamCredential) fetch(ctx context.Context) (string, time.Duration, error) {
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		tok, lifetime, retry, err := c.fetchOnce(ctx)
		if err == nil || !retry || attempt == iamLoginAttempts || ctx.Err() != nil {
			if err != nil {
				err = fmt.Errorf("auth: IAM login of user %q (domain %q, project %q) failed: %w",
					c.cfg.User, c.cfg.Domain, c.cfg.Project, err)
			}
			return tok, lifetime, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", 0, fmt.Errorf("auth: IAM login of user %q (domain %q) failed: %w (after %v)",
				c.cfg.User, c.cfg.Domain, ctx.Err(), err)
		case <-t.C:
		}
		wait *= 2
	}
}

func retryableIAMStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

type iamName struct {
	Name string `json:"name"`
}

type iamLogin struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Domain   iamName `json:"domain"`
					Name     string  `json:"name"`
					Password string  `json:"password"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project iamName `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type iamAnswer struct {
	Token *struct {
		ExpiresAt string `json:"expires_at"`
		IssuedAt  string `json:"issued_at"`
	} `json:"token"`
}

// iamErrorBody covers IAM's error shapes: the Keystone form
// {"error":{"code","message","title"}} and the API gateway form
// {"error_code","error_msg","request_id"}.
type iamErrorBody struct {
	Error *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Title   string          `json:"title"`
	} `json:"error"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// fetchOnce makes one login request. retry reports a failure worth another
// attempt.
func (c *iamCredential) fetchOnce(ctx context.Context) (tok string, lifetime time.Duration, retry bool, err error) {
	var body iamLogin
	body.Auth.Identity.Methods = []string{"password"}
	u := &body.Auth.Identity.Password.User
	u.Domain.Name, u.Name, u.Password = c.cfg.Domain, c.cfg.User, c.cfg.Password
	body.Auth.Scope.Project.Name = c.cfg.Project
	b, err := json.Marshal(&body)
	if err != nil {
		return "", 0, false, fmt.Errorf("encoding the login body: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, bytes.NewReader(b))
	if err != nil {
		return "", 0, false, fmt.Errorf("building the login request: %v", c.scrub(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", 0, ctx.Err() == nil, fmt.Errorf("POST %s: %w", c.tokenURL, err)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, iamMaxBody+1))
	if rerr != nil {
		return "", 0, true, fmt.Errorf("POST %s: reading the answer: %v", c.tokenURL, rerr)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", 0, retryableIAMStatus(resp.StatusCode), c.apiError(resp, data)
	}
	if len(data) > iamMaxBody {
		return "", 0, false, fmt.Errorf("%w: POST %s: the answer exceeds %d bytes", iotclient.ErrMalformedResponse, c.tokenURL, iamMaxBody)
	}
	tok = resp.Header.Get(SubjectTokenHeader)
	if tok == "" || !headerSafe(tok) {
		return "", 0, false, fmt.Errorf("%w: POST %s: no usable %s header in the %d answer",
			iotclient.ErrMalformedResponse, c.tokenURL, SubjectTokenHeader, resp.StatusCode)
	}
	lifetime, err = tokenLifetime(data)
	if err != nil {
		return "", 0, false, fmt.Errorf("%w: POST %s: %v", iotclient.ErrMalformedResponse, c.tokenURL, err)
	}
	return tok, lifetime, false, nil
}

// tokenLifetime is expires_at − issued_at, or expires_at − now when IAM
// sent no issue time.
func tokenLifetime(data []byte) (time.Duration, error) {
	var a iamAnswer
	if err := json.Unmarshal(data, &a); err != nil {
		return 0, fmt.Errorf("decoding the token body: %v", err)
	}
	if a.Token == nil || a.Token.ExpiresAt == "" {
		return 0, errors.New("the answer has no token.expires_at")
	}
	exp, err := time.Parse(time.RFC3339Nano, a.Token.ExpiresAt)
	if err != nil {
		return 0, fmt.Errorf("token.expires_at %q is not an RFC 3339 time", a.Token.ExpiresAt)
	}
	var lifetime time.Duration
	if issued, err := time.Parse(time.RFC3339Nano, a.Token.IssuedAt); err == nil && a.Token.IssuedAt != "" {
		lifetime = exp.Sub(issued)
	} else {
		lifetime = time.Until(exp)
	}
	if lifetime <= 0 {
		return 0, fmt.Errorf("the token expires at %s, before it was issued or already", a.Token.ExpiresAt)
	}
	return lifetime, nil
}

func (c *iamCredential) apiError(resp *http.Response, data []byte) error {
	e := &iotclient.APIError{
		StatusCode: resp.StatusCode,
		Method:     http.MethodPost,
		URL:        c.tokenURL,
		RequestID:  resp.Header.Get("X-Request-Id"),
		Attempts:   1,
	}
	var eb iamErrorBody
	if json.Unmarshal(data, &eb) == nil {
		e.Code, e.Message = eb.ErrorCode, eb.ErrorMsg
		if eb.Error != nil {
			if e.Code == "" {
				e.Code = strings.Trim(string(eb.Error.Code), `"`)
			}
			if e.Message == "" {
				e.Message = eb.Error.Message
			}
		}
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	} else if len(data) > 0 {
		e.Message = strings.Join(strings.Fields(string(data[:min(len(data), 200)])), " ")
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = c.scrub(e.Message)
	return e
}

// scrub removes the password from text that came from elsewhere, should a
// server or a library ever echo it.
func (c *iamCredential) scrub(s string) string {
	if c.cfg.Password != "" {
		s = strings.ReplaceAll(s, c.cfg.Password, redacted)
	}
	return s
}

// String describes the credential without the password or any token.
func (c *iamCredential) String() string {
	return fmt.Sprintf("auth.IAMPassword{Endpoint: %q, Domain: %q, User: %q, Password: %s, Project: %q}",
		c.cfg.Endpoint, c.cfg.Domain, c.cfg.User, secret(c.cfg.Password), c.cfg.Project)
}

// GoString is String: the Go syntax form must not show secrets either.
func (c *iamCredential) GoString() string { return c.String() }

// Format prints the redacted form for every verb.
func (c *iamCredential) Format(f fmt.State, verb rune) { format(f, verb, c.String(), c.GoString()) }

// LogValue logs the redacted form.
func (c *iamCredential) LogValue() slog.Value { return logValue(c.String()) }
