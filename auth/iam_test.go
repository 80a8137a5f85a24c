package auth

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/core"
)

const (
	iamEndpoint = "https://iam.cn-north-4.myhuaweicloud.com"
	iamURL      = iamEndpoint + "/v3/auth/tokens?nocatalog=true"
	iamPassword = "iam-Passw0rd-never-printed"
)

// fakeIAM answers logins with tokens tok-1, tok-2, ... valid for lifetime
// (issued at the current, possibly fake, time), after delay.
type fakeIAM struct {
	t        *testing.T
	logins   atomic.Int32
	lifetime time.Duration
	delay    time.Duration
	bodies   []map[string]any
	mu       sync.Mutex
}

func (f *fakeIAM) responder(r *http.Request) (*http.Response, error) {
	n := f.logins.Add(1)
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := stdjson.Unmarshal(b, &body); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay) // fake time inside synctest bubbles
	}
	now := time.Now().UTC()
	resp := httpmock.NewStringResponse(201, fmt.Sprintf(`{"token":{"issued_at":%q,"expires_at":%q,"methods":["password"]}}`,
		now.Format("2006-01-02T15:04:05.000000Z"), now.Add(f.lifetime).Format("2006-01-02T15:04:05.000000Z")))
	resp.Header.Set(subjectTokenHeader, "tok-"+strconv.Itoa(int(n)))
	return resp, nil
}

func newIAM(t *testing.T, lifetime time.Duration) (*fakeIAM, *httpmock.MockTransport, Credential) {
	f := &fakeIAM{t: t, lifetime: lifetime}
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", iamURL, f.responder)
	cred := bound(t, mt, IAMConfig{
		Endpoint: iamEndpoint, Domain: "my-domain", User: "my-user", Project: "cn-north-4",
	}, iamPassword)
	return f, mt, cred
}

// bound builds an IAMPassword credential bound, as a client would bind it,
// to settings that send through mt.
func bound(t *testing.T, mt http.RoundTripper, cfg IAMConfig, password string) Credential {
	t.Helper()
	cred := IAMPassword(cfg, password)
	require.NoError(t, cred.(Validator).Validate())
	s := config.Default()
	s.HTTPClient = &http.Client{Transport: mt}
	s.RetryWaitMin, s.RetryWaitMax = 500*time.Millisecond, 2*time.Second
	require.NoError(t, cred.(core.SettingsBinder).BindSettings(s))
	return cred
}

// tokenOf applies cred to a fresh request and returns the token it set.
func tokenOf(t *testing.T, cred Credential) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, regionalURL, nil)
	require.NoError(t, err)
	require.NoError(t, cred.Apply(req, nil))
	return req.Header.Get(tokenHeader)
}

func TestIAMPasswordLogsInOnceAndSetsTheToken(t *testing.T) {
	f, _, cred := newIAM(t, 24*time.Hour)
	assert.Equal(t, "tok-1", tokenOf(t, cred))
	assert.Equal(t, "tok-1", tokenOf(t, cred), "cached")
	assert.Equal(t, int32(1), f.logins.Load())

	want := map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []any{"password"},
			"password": map[string]any{"user": map[string]any{
				"domain": map[string]any{"name": "my-domain"}, "name": "my-user", "password": iamPassword,
			}},
		},
		"scope": map[string]any{"project": map[string]any{"name": "cn-north-4"}},
	}}
	assert.Equal(t, want, f.bodies[0], "the documented login body")
}

func TestIAMPasswordOneLoginForManyConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _, cred := newIAM(t, 24*time.Hour)
		f.delay = time.Second // every caller arrives while the login is in flight
		var wg sync.WaitGroup
		toks := make([]string, 100)
		for i := range toks {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
				if err := cred.Apply(req, nil); err != nil {
					t.Error(err)
				}
				toks[i] = req.Header.Get(tokenHeader)
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), f.logins.Load(), "100 concurrent first calls, one login")
		for _, tok := range toks {
			assert.Equal(t, "tok-1", tok)
		}
	})
}

func TestIAMPasswordRenewsBeforeExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _, cred := newIAM(t, time.Hour)
		assert.Equal(t, "tok-1", tokenOf(t, cred))

		time.Sleep(54 * time.Minute) // fake time
		assert.Equal(t, "tok-1", tokenOf(t, cred))
		assert.Equal(t, int32(1), f.logins.Load(), "not yet due")

		time.Sleep(2 * time.Minute) // inside the last 5 minutes
		assert.Equal(t, "tok-1", tokenOf(t, cred), "still valid: used while renewing in the background")
		synctest.Wait()
		assert.Equal(t, int32(2), f.logins.Load())
		assert.Equal(t, "tok-2", tokenOf(t, cred))

		time.Sleep(3 * time.Hour) // long expired: the caller waits for a login
		assert.Equal(t, "tok-3", tokenOf(t, cred))
		assert.Equal(t, int32(3), f.logins.Load())
	})
}

func TestIAMPasswordShortLivedTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _, cred := newIAM(t, 2*time.Minute)
		assert.Equal(t, "tok-1", tokenOf(t, cred))
		time.Sleep(59 * time.Second)
		tokenOf(t, cred)
		synctest.Wait()
		assert.Equal(t, int32(1), f.logins.Load(), "renewal starts at half the lifetime, not 5 minutes before")
		time.Sleep(time.Second)
		tokenOf(t, cred)
		synctest.Wait()
		assert.Equal(t, int32(2), f.logins.Load())
	})
}

func TestIAMPasswordInvalidate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { testIAMPasswordInvalidate(t) })
}

func testIAMPasswordInvalidate(t *testing.T) {
	f, _, cred := newIAM(t, 24*time.Hour)
	r := cred.(Refresher)
	assert.Equal(t, "tok-1", tokenOf(t, cred))

	stale, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
	stale.Header.Set(tokenHeader, "tok-0")
	r.Invalidate(stale)
	assert.Equal(t, "tok-1", tokenOf(t, cred), "a token already replaced is not invalidated again")

	sent, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
	sent.Header.Set(tokenHeader, "tok-1")
	assert.True(t, r.Invalidate(sent))
	assert.True(t, r.Invalidate(sent)) // many requests failing with the same token
	assert.Equal(t, "tok-2", tokenOf(t, cred))
	assert.Equal(t, int32(2), f.logins.Load())

	assert.True(t, r.Invalidate(nil))
	assert.Equal(t, "tok-3", tokenOf(t, cred))

	// tok-3 was refused too: the platform refuses every token, so the
	// token is kept for a minute.
	cred.(core.RefreshRejecter).RefreshRejected(nil)
	assert.False(t, r.Invalidate(nil))
	assert.Equal(t, "tok-3", tokenOf(t, cred))
	time.Sleep(time.Minute)
	assert.True(t, r.Invalidate(nil))
	assert.Equal(t, "tok-4", tokenOf(t, cred))
}

func TestIAMPasswordRefusedLogin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mt := httpmock.NewMockTransport()
		var calls atomic.Int32
		mt.RegisterResponder("POST", iamURL, func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			resp := httpmock.NewStringResponse(401, `{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`)
			resp.Header.Set("X-Request-Id", "iam-rid")
			return resp, nil
		})
		cred := bound(t, mt, IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "cn-north-4"}, iamPassword)
		req, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
		err := cred.Apply(req, nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
		var ae *iotclient.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 401, ae.StatusCode)
		assert.Equal(t, "401", ae.Code)
		assert.Equal(t, "The username or password is wrong.", ae.Message)
		assert.Equal(t, "iam-rid", ae.RequestID)
		assert.NotContains(t, err.Error(), iamPassword)
		assert.Contains(t, err.Error(), `user "u"`)
		assert.Empty(t, req.Header.Get(tokenHeader))
		assert.Equal(t, int32(1), calls.Load(), "a refusal is not retried")

		assert.ErrorIs(t, cred.Apply(req, nil), iotclient.ErrUnauthorized)
		assert.Equal(t, int32(1), calls.Load(), "remembered for a while: IAM is not asked again")
		time.Sleep(61 * time.Second)
		assert.Error(t, cred.Apply(req, nil))
		assert.Equal(t, int32(2), calls.Load(), "asked again after the cool-down")
	})
}

func TestIAMPasswordRetriesTransientFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeIAM{t: t, lifetime: time.Hour}
		mt := httpmock.NewMockTransport()
		n := 0
		mt.RegisterResponder("POST", iamURL, func(r *http.Request) (*http.Response, error) {
			if n++; n <= 2 {
				return httpmock.NewStringResponse(503, `{"error_code":"APIGW.0201","error_msg":"busy"}`), nil
			}
			return f.responder(r)
		})
		cred := bound(t, mt, IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "p"}, iamPassword)
		start := time.Now()
		assert.Equal(t, "tok-1", tokenOf(t, cred))
		assert.Equal(t, 3, n)
		assert.LessOrEqual(t, time.Since(start), 1500*time.Millisecond, "the client's backoff: up to 0.5s then 1s")
	})
}

func TestIAMPasswordBadAnswers(t *testing.T) {
	for name, r := range map[string]httpmock.Responder{
		"no token header": httpmock.NewStringResponder(201, `{"token":{"expires_at":"2099-01-01T00:00:00.000000Z"}}`),
		"bad expiry": func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(201, `{"token":{"expires_at":"tomorrow"}}`)
			resp.Header.Set(subjectTokenHeader, "tok")
			return resp, nil
		},
		"expired": func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(201, `{"token":{"expires_at":"2001-01-01T00:00:00Z"}}`)
			resp.Header.Set(subjectTokenHeader, "tok")
			return resp, nil
		},
		"redirect": func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(307, "")
			resp.Header.Set("Location", "https://elsewhere.example.com/v3/auth/tokens")
			return resp, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder("POST", iamURL, r)
			cred := bound(t, mt, IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "p"}, iamPassword)
			req, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
			err := cred.Apply(req, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), iamPassword)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "never sent elsewhere or repeated")
		})
	}
}

func TestIAMPasswordWaitEndsWithTheCallersContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _, cred := newIAM(t, time.Hour)
		f.delay = 10 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, regionalURL, nil)
		err := cred.Apply(req, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		synctest.Wait()
		time.Sleep(10 * time.Second)
		assert.Equal(t, "tok-1", tokenOf(t, cred), "the login went on for the others and was kept")
		assert.Equal(t, int32(1), f.logins.Load())
	})
}

func TestIAMPasswordValidation(t *testing.T) {
	ok := IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "cn-north-4"}
	with := func(f func(*IAMConfig)) IAMConfig { c := ok; f(&c); return c }
	for _, tc := range []struct {
		cfg  IAMConfig
		want string
	}{
		{with(func(c *IAMConfig) { c.Endpoint = "" }), "endpoint is empty"},
		{with(func(c *IAMConfig) { c.Endpoint = "iam.example.com" }), "absolute http(s) URL"},
		{with(func(c *IAMConfig) { c.Endpoint = "http://iam.example.com" }), "loopback"},
		{with(func(c *IAMConfig) { c.Endpoint = "https://u:p@iam.example.com" }), "user information"},
		{with(func(c *IAMConfig) { c.Domain = "" }), "domain"},
		{with(func(c *IAMConfig) { c.User = "" }), "user name is empty"},
		{with(func(c *IAMConfig) { c.Project = "" }), "project"},
		{with(func(c *IAMConfig) { c.RefreshBefore = -time.Second }), "negative"},
	} {
		cred := IAMPassword(tc.cfg, iamPassword)
		err := cred.(Validator).Validate()
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
		assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
		assert.NotContains(t, err.Error(), iamPassword)
		req, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
		assert.Equal(t, err, cred.Apply(req, nil))
	}
	assert.NoError(t, IAMPassword(with(func(c *IAMConfig) { c.Endpoint = "http://127.0.0.1:8080" }), iamPassword).(Validator).Validate())
	assert.ErrorContains(t, IAMPassword(ok, "").(Validator).Validate(), "password is empty")
}

func TestIAMPasswordPrintsNoSecrets(t *testing.T) {
	_, _, cred := newIAM(t, time.Hour)
	tok := tokenOf(t, cred)
	cfg := IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "cn-north-4"}
	want := `auth.IAMPassword{Endpoint: "https://iam.cn-north-4.myhuaweicloud.com", Domain: "my-domain", User: "my-user", Password: "[redacted]", Project: "cn-north-4"}`
	assert.Equal(t, want, fmt.Sprint(cred))
	for _, v := range []any{cred, cfg, &cfg, []any{cfg}, struct{ C IAMConfig }{cfg}} {
		all := fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)
		assert.NotContains(t, all, iamPassword)
		assert.NotContains(t, all, tok)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "cred", cred, "cfg", cfg)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "cred", cred, "cfg", cfg)
	assert.NotContains(t, buf.String(), iamPassword)
	assert.Contains(t, buf.String(), "[redacted]")
	for _, v := range []any{cred, cfg, &cfg} {
		b, err := stdjson.Marshal(v)
		require.NoError(t, err)
		assert.NotContains(t, string(b), iamPassword)
	}
}

// The login takes the client's HTTP path: its transport, its User-Agent.
func TestIAMLoginUsesTheClientsSettings(t *testing.T) {
	f := &fakeIAM{t: t, lifetime: time.Hour}
	mt := httpmock.NewMockTransport()
	var ua string
	mt.RegisterResponder("POST", iamURL, func(r *http.Request) (*http.Response, error) {
		ua = r.Header.Get("User-Agent")
		return f.responder(r)
	})
	cred := IAMPassword(IAMConfig{Endpoint: iamEndpoint, Domain: "d", User: "u", Project: "p"}, iamPassword)
	req, _ := http.NewRequest(http.MethodGet, regionalURL, nil)
	require.ErrorContains(t, cred.Apply(req, nil), "through the client", "no HTTP path of its own")
	s := config.Default()
	s.HTTPClient, s.UserAgent = &http.Client{Transport: mt}, "fleet/1.0"
	require.NoError(t, cred.(core.SettingsBinder).BindSettings(s))
	assert.Equal(t, "tok-1", tokenOf(t, cred))
	assert.Equal(t, "fleet/1.0 iotclient-go/"+iotclient.Version, ua)
}
