package hwsign

import (
	"bytes"
	"crypto/fips140"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secrets is a Verify lookup that knows one AK.
func secrets(ak, sk string) func(string) (string, bool) {
	return func(got string) (string, bool) {
		if got == ak {
			return sk, true
		}
		return "", false
	}
}

var signTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const signedURL = "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands?limit=10&status=FAILED"

// signedRequest returns a signed POST with a body and a few headers.
func signedRequest(t *testing.T, s Signer) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"service_id":"Switch","command_name":"ON_OFF","paras":{"value":"1"}}`)
	req := newRequest(t, http.MethodPost, signedURL, string(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Instance-Id", "inst-1234")
	req.Header.Set("User-Agent", "iotclient-go/test")
	require.NoError(t, s.Sign(req, body, signTime))
	return req, body
}

func TestSignVerifyRoundTrip(t *testing.T) {
	for name, s := range map[string]Signer{
		"sdk":            {AK: historyAK, SK: historySK},
		"sdk+token":      {AK: historyAK, SK: historySK, SecurityToken: "session-token-value"},
		"derived":        {AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"},
		"derived+token":  {AK: historyAK, SK: historySK, SecurityToken: "session-token-value", Derived: true, Region: "cn-north-4", Service: "iotdm"},
		"sdk, other day": {AK: sdkAK, SK: sdkSK},
	} {
		t.Run(name, func(t *testing.T) {
			req, body := signedRequest(t, s)
			_, p := authParams(t, req.Header.Get("Authorization"))
			wantSigned := "instance-id;user-agent;x-sdk-date"
			if s.SecurityToken != "" {
				wantSigned = "instance-id;user-agent;x-sdk-date;x-security-token"
				assert.Equal(t, s.SecurityToken, req.Header.Get(SecurityTokenHeader))
			}
			assert.Equal(t, wantSigned, p["SignedHeaders"], "content-type is never signed")
			require.NoError(t, Verify(req, body, secrets(s.AK, s.SK), signTime.Add(14*time.Minute), 0))
			require.NoError(t, Verify(req, body, secrets(s.AK, s.SK), signTime.Add(-14*time.Minute), 0))
		})
	}
}

// TestSignOverHTTP sends signed requests through a real client and server:
// what net/http puts on the wire (and strips, like Host) must still verify.
func TestSignOverHTTP(t *testing.T) {
	var verifyErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		verifyErr = Verify(r, body, secrets(historyAK, historySK), time.Now(), 0)
	}))
	defer srv.Close()

	for _, s := range []Signer{
		{AK: historyAK, SK: historySK},
		{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"},
	} {
		for _, path := range []string{
			"/v5/iot/p/devices/my_dev-001/async-commands-history",
			"/a%2Fb/c d/%E4%BD%A0/",
			"",
		} {
			body := []byte("{\"x\":1}\n")
			req, err := http.NewRequest(http.MethodPost, srv.URL+path+"?b=2&a=x+y&a=%2B&empty=&flag&c=%E2%82%AC", bytes.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Instance-Id", "inst-1")
			req.Header.Set("Host", req.URL.Host) // explicit Host: signed
			req.Header.Add("X-Multi", "b")
			req.Header.Add("X-Multi", " a ")
			require.NoError(t, s.Sign(req, body, time.Now()))
			assert.Contains(t, req.Header.Get("Authorization"), "SignedHeaders=host;instance-id;x-multi;x-sdk-date,")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.NoError(t, verifyErr, "path %q", path)
		}
	}
}

func TestSignHeaderSelection(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
	req.Header.Set("Content-Type", "application/json")
	req.Header["x_underscore"] = []string{"1"}
	req.Header.Set("Content-Length", "0")
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=old, SignedHeaders=x-sdk-date, Signature=old")
	req.Header.Set(DateHeader, "19990101T000000Z")
	req.Header.Set("X-B", "2")
	req.Header["x-a"] = []string{"1"}
	require.NoError(t, Signer{AK: "ak", SK: "sk"}.Sign(req, nil, signTime))

	_, p := authParams(t, req.Header.Get("Authorization"))
	assert.Equal(t, "x-a;x-b;x-sdk-date", p["SignedHeaders"], "no host without an explicit Host header")
	assert.Equal(t, "20240102T030405Z", req.Header.Get(DateHeader), "the date is replaced")
	require.NoError(t, Verify(req, nil, secrets("ak", "sk"), signTime, time.Minute))

	// A non-UTC time is signed as UTC.
	require.NoError(t, Signer{AK: "ak", SK: "sk"}.Sign(req, nil, signTime.In(time.FixedZone("x", 8*3600))))
	assert.Equal(t, "20240102T030405Z", req.Header.Get(DateHeader))
}

func TestSignErrors(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h.example.com/", "")
	for s, want := range map[Signer]string{
		{SK: "secret-value"}: "access key (AK) is empty",
		{AK: "ak"}:           "secret key (SK) is empty",
		{AK: "ak", SK: "secret-value", Derived: true}:              "needs a region",
		{AK: "ak", SK: "secret-value", Derived: true, Region: "r"}: "needs a service",
	} {
		err := s.Sign(req, nil, signTime)
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), "secret-value")
	}
	assert.Error(t, Signer{AK: "a", SK: "s"}.Sign(nil, nil, signTime))
}

func TestDerivedKeyIsLowerHex(t *testing.T) {
	k := DerivedKey("a", "b", "c")
	assert.Len(t, k, 64)
	assert.Equal(t, strings.ToLower(k), k)
}

// TestSignShortKeyFIPSOnly runs itself again under GODEBUG=fips140=only,
// where crypto/hmac panics on keys shorter than 112 bits: Sign and Verify
// must return an error instead.
func TestSignShortKeyFIPSOnly(t *testing.T) {
	if os.Getenv("HWSIGN_FIPS_ONLY_CHILD") != "" {
		require.True(t, fips140.Enforced(), "the child runs under fips140=only")
		req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
		for _, s := range []Signer{
			{AK: "ak", SK: "short-sk"},
			{AK: "ak", SK: "short-sk", Derived: true, Region: "r", Service: "s"},
		} {
			require.ErrorContains(t, s.Sign(req, nil, signTime), "FIPS 140-only")
		}
		req.Header.Set(DateHeader, "20240102T030405Z")
		req.Header.Set("Authorization", AlgorithmSDK+" Access=ak, SignedHeaders=x-sdk-date, Signature=00")
		require.ErrorContains(t, Verify(req, nil, secrets("ak", "short-sk"), signTime, 0), "FIPS 140-only")

		long := Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}
		require.NoError(t, long.Sign(req, nil, signTime))
		require.NoError(t, Verify(req, nil, secrets(historyAK, historySK), signTime, 0))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignShortKeyFIPSOnly$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=fips140=only", "HWSIGN_FIPS_ONLY_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func BenchmarkSign(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands-history?limit=50&marker=5c8f3d2d3df1f10d803adbda", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "iotclient-go/test")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	req.Header.Set("Instance-Id", "inst-1234")
	s := Signer{AK: "HPUAEXAMPLEAK000001", SK: "exampleSecretKey0123456789abcdefghijklmn"}
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(req, nil, now); err != nil {
			b.Fatal(err)
		}
	}
}
