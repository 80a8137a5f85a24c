package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/internal/hwsign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIoTDAAuthErrors(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 5, 1)
	u := devicePath(s, testDevice) + "/async-commands-history"

	// No credentials.
	r := do(t, newRequest(t, http.MethodGet, u, nil))
	e := requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	assert.True(t, strings.HasPrefix(e.ErrorMsg, "Incorrect IAM authentication information: "), e.ErrorMsg)
	assert.Equal(t, r.header.Get(RequestIDHeader), e.RequestID, "gateway errors repeat the request ID")

	// Wrong token.
	req := newRequest(t, http.MethodGet, u, nil)
	req.Header.Set(AuthTokenHeader, "forged")
	requireIoTDAError(t, do(t, req), http.StatusUnauthorized, CodeAuthFailed)

	// Wrong project.
	req = newRequest(t, http.MethodGet, strings.Replace(u, ProjectID, "ffffffffffffffffffffffffffffffff", 1), nil)
	req.Header.Set(AuthTokenHeader, Token)
	requireIoTDAError(t, do(t, req), http.StatusForbidden, CodeInvalidToken)

	// Unknown device: the platform's exact body.
	r = iotda(t, s, http.MethodGet, "no-such-device", "/async-commands-history", nil, nil)
	require.Equal(t, http.StatusNotFound, r.status)
	assert.JSONEq(t, `{"error_code":"IOTDA.014000","error_msg":"The device does not exist."}`, string(r.body))

	// Invalid device ID.
	r = iotda(t, s, http.MethodGet, "bad.device", "/async-commands-history", nil, nil)
	requireIoTDAError(t, r, http.StatusBadRequest, CodeInvalidInput)
	r = iotda(t, s, http.MethodGet, strings.Repeat("d", 129), "/async-commands-history", nil, nil)
	requireIoTDAError(t, r, http.StatusBadRequest, CodeInvalidInput)

	// Empty device segment: no such API.
	req = newRequest(t, http.MethodGet, s.URL()+"/v5/iot/"+ProjectID+"/devices//async-commands-history", nil)
	req.Header.Set(AuthTokenHeader, Token)
	requireIoTDAError(t, do(t, req), http.StatusNotFound, CodeAPINotFound)

	// Wrong method on a known path.
	r = iotda(t, s, http.MethodDelete, testDevice, "/async-commands-history", nil, nil)
	requireIoTDAError(t, r, http.StatusMethodNotAllowed, CodeAPINotFound)
}

func signed(t *testing.T, method, u string, body []byte, sg hwsign.Signer, at time.Time) *http.Request {
	t.Helper()
	req := newRequest(t, method, u, body)
	req.Header.Set("Instance-Id", "inst-1234")
	require.NoError(t, sg.Sign(req, body, at))
	return req
}

func TestSignatureAuth(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 20, 1)
	sg := hwsign.Signer{AK: AccessKey, SK: SecretKey}
	hist := devicePath(s, testDevice) + "/async-commands-history?limit=5&start_time=20240101T000000Z&status=SUCCESSFUL"

	r := do(t, signed(t, http.MethodGet, hist, nil, sg, time.Now()))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	body := []byte(`{"paras":{"value":"1"},"send_strategy":"immediately"}` + "\n")
	r = do(t, signed(t, http.MethodPost, devicePath(s, testDevice)+"/async-commands", body, sg, time.Now()))
	require.Equal(t, http.StatusOK, r.status, "signed POST: %s", r.body)

	derived := hwsign.Signer{AK: AccessKey, SK: SecretKey, Derived: true, Region: "cn-north-4", Service: "iotdm"}
	r = do(t, signed(t, http.MethodGet, hist, nil, derived, time.Now()))
	require.Equal(t, http.StatusOK, r.status, "derived signature: %s", r.body)

	// Tampered query after signing.
	req := signed(t, http.MethodGet, hist, nil, sg, time.Now())
	req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "limit=5", "limit=50", 1)
	requireIoTDAError(t, do(t, req), http.StatusUnauthorized, CodeAuthFailed)

	// Tampered body after signing.
	req = signed(t, http.MethodPost, devicePath(s, testDevice)+"/async-commands", body, sg, time.Now())
	tampered := []byte(strings.Replace(string(body), `"1"`, `"2"`, 1))
	req2 := newRequest(t, http.MethodPost, req.URL.String(), tampered)
	req2.Header = req.Header.Clone()
	requireIoTDAError(t, do(t, req2), http.StatusUnauthorized, CodeAuthFailed)

	// Tampered signed header.
	req = signed(t, http.MethodGet, hist, nil, sg, time.Now())
	req.Header.Set("Instance-Id", "inst-9999")
	requireIoTDAError(t, do(t, req), http.StatusUnauthorized, CodeAuthFailed)

	// Wrong secret, unknown AK, stale date.
	r = do(t, signed(t, http.MethodGet, hist, nil, hwsign.Signer{AK: AccessKey, SK: "wrong"}, time.Now()))
	e := requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	assert.NotContains(t, e.ErrorMsg, SecretKey)
	r = do(t, signed(t, http.MethodGet, hist, nil, hwsign.Signer{AK: "OTHERAK", SK: SecretKey}, time.Now()))
	requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	r = do(t, signed(t, http.MethodGet, hist, nil, sg, time.Now().Add(-20*time.Minute)))
	requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	r = do(t, signed(t, http.MethodGet, hist, nil, sg, time.Now().Add(-10*time.Minute)))
	require.Equal(t, http.StatusOK, r.status, "15 minutes of skew are allowed")
}

func TestSignatureUsesServerClock(t *testing.T) {
	at := time.Date(2031, 5, 5, 5, 5, 5, 0, time.UTC)
	s := newServer(t, WithClock(func() time.Time { return at }))
	s.AddDevice(testDevice)
	u := devicePath(s, testDevice) + "/async-commands-history"
	sg := hwsign.Signer{AK: AccessKey, SK: SecretKey}
	assert.Equal(t, http.StatusOK, do(t, signed(t, http.MethodGet, u, nil, sg, at)).status)
	assert.Equal(t, http.StatusUnauthorized, do(t, signed(t, http.MethodGet, u, nil, sg, time.Now())).status)
}

const iamBody = `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"mock-domain"},"name":"mock-user","password":"mock-password-0001"}}},"scope":{"project":{"name":"cn-north-4"}}}}`

func TestIAMTokenLogin(t *testing.T) {
	clock := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	s := newServer(t, WithClock(func() time.Time { return clock }))
	s.AddDevice(testDevice)

	login := func(body string) response {
		return do(t, newRequest(t, http.MethodPost, s.URL()+"/v3/auth/tokens", []byte(body)))
	}
	r := login(iamBody)
	require.Equal(t, http.StatusCreated, r.status, "body: %s", r.body)
	tok := r.header.Get(SubjectTokenHeader)
	require.NotEmpty(t, tok)
	var out struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			Project   struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"token"`
	}
	r.decode(t, &out)
	exp, err := time.Parse(time.RFC3339, out.Token.ExpiresAt)
	require.NoError(t, err)
	assert.Equal(t, clock.Add(24*time.Hour), exp)
	assert.Equal(t, ProjectID, out.Token.Project.ID)

	r2 := login(iamBody)
	tok2 := r2.header.Get(SubjectTokenHeader)
	assert.NotEqual(t, tok, tok2, "a fresh token per login")
	assert.Equal(t, 2, s.Requests(RouteIAMToken))

	use := func(tok string) int {
		req := newRequest(t, http.MethodGet, devicePath(s, testDevice)+"/async-commands-history", nil)
		req.Header.Set(AuthTokenHeader, tok)
		return do(t, req).status
	}
	assert.Equal(t, http.StatusOK, use(tok))
	assert.Equal(t, http.StatusOK, use(tok2))

	clock = clock.Add(24 * time.Hour)
	assert.Equal(t, http.StatusUnauthorized, use(tok), "expired after 24 h")
	assert.Equal(t, http.StatusOK, use(Token), "the static token never expires")

	tok3 := login(iamBody).header.Get(SubjectTokenHeader)
	assert.Equal(t, http.StatusOK, use(tok3))
	s.RevokeTokens()
	assert.Equal(t, http.StatusUnauthorized, use(tok3))

	r = login(strings.Replace(iamBody, "mock-password-0001", "wrong", 1))
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Empty(t, r.header.Get(SubjectTokenHeader))
	r = login(strings.Replace(iamBody, `"password"]`, `"token"]`, 1))
	assert.Equal(t, http.StatusUnauthorized, r.status)
	r = login(`{"auth":`)
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = do(t, newRequest(t, http.MethodGet, s.URL()+"/v3/auth/tokens", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
}

func TestTokenTTLOption(t *testing.T) {
	clock := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	s := newServer(t, WithClock(func() time.Time { return clock }), WithTokenTTL(time.Minute))
	s.AddDevice(testDevice)
	tok := do(t, newRequest(t, http.MethodPost, s.URL()+"/v3/auth/tokens", []byte(iamBody))).header.Get(SubjectTokenHeader)
	clock = clock.Add(61 * time.Second)
	req := newRequest(t, http.MethodGet, devicePath(s, testDevice)+"/async-commands-history", nil)
	req.Header.Set(AuthTokenHeader, tok)
	r := do(t, req)
	e := requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	assert.Contains(t, e.ErrorMsg, "expired")
}
