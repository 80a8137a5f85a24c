package hwverify

import (
	"bytes"
	"crypto/fips140"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	for name, s := range map[string]hwsign.Signer{
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
				assert.Equal(t, s.SecurityToken, req.Header.Get(hwsign.SecurityTokenHeader))
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

	for _, s := range []hwsign.Signer{
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

// TestVerifyHandBuiltHeaders verifies a request whose header map holds
// lowercase keys and stale signing headers, as hwsign's header-selection
// test builds it.
func TestVerifyHandBuiltHeaders(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
	req.Header.Set("Content-Type", "application/json")
	req.Header["x_underscore"] = []string{"1"}
	req.Header.Set("Content-Length", "0")
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=old, SignedHeaders=x-sdk-date, Signature=old")
	req.Header.Set(hwsign.DateHeader, "19990101T000000Z")
	req.Header.Set("X-B", "2")
	req.Header["x-a"] = []string{"1"}
	require.NoError(t, hwsign.Signer{AK: "ak", SK: "sk"}.Sign(req, nil, signTime))
	require.NoError(t, Verify(req, nil, secrets("ak", "sk"), signTime, time.Minute))
}

// TestVerifySpecVectors checks the spec's signing vectors
// (spec/huawei-iotda.md) pass Verify, including Huawei's documented example,
// whose signed headers Sign would not choose.
func TestVerifySpecVectors(t *testing.T) {
	req := newRequest(t, http.MethodGet,
		"https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", "")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Host", "service.region.example.com")
	req.Header.Set(hwsign.DateHeader, "20191115T033655Z")
	req.Header.Set("Authorization", hwsign.AlgorithmSDK+" Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "+
		"Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
	now := time.Date(2019, 11, 15, 3, 40, 0, 0, time.UTC)
	require.NoError(t, Verify(req, nil, secrets("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"), now, 0))

	for _, v := range []struct {
		url    string
		signer hwsign.Signer
		at     time.Time
	}{
		{"https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/my_product_dev-001/async-commands-history?limit=10&marker=5c8f3d2d3df1f10d803adbda&start_time=20240101T000000Z",
			hwsign.Signer{AK: historyAK, SK: historySK}, signTime},
		{"https://example.huaweicloud.com/path?limit=1",
			hwsign.Signer{AK: sdkAK, SK: sdkSK, Derived: true, Region: "test-region-1", Service: "demo"}, sdkTestTime},
		{"https://0123456789.st1.iotda-app.cn-north-4.myhuaweicloud.com/v5/iot/p/devices/d/async-commands",
			hwsign.Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}, signTime},
	} {
		req := newRequest(t, http.MethodGet, v.url, "")
		req.Header.Set("Instance-Id", "inst-1234")
		require.NoError(t, v.signer.Sign(req, nil, v.at))
		require.NoError(t, Verify(req, nil, secrets(v.signer.AK, v.signer.SK), v.at, 0), v.url)
	}
}

// TestVerifyShortKeyFIPSOnly runs itself again under GODEBUG=fips140=only,
// where crypto/hmac panics on keys shorter than 112 bits: Verify must return
// an error instead.
func TestVerifyShortKeyFIPSOnly(t *testing.T) {
	if os.Getenv("HWVERIFY_FIPS_ONLY_CHILD") != "" {
		require.True(t, fips140.Enforced(), "the child runs under fips140=only")
		req := newRequest(t, http.MethodGet, "https://h.example.com/p", "")
		req.Header.Set(hwsign.DateHeader, "20240102T030405Z")
		req.Header.Set("Authorization", hwsign.AlgorithmSDK+" Access=ak, SignedHeaders=x-sdk-date, Signature=00")
		require.ErrorContains(t, Verify(req, nil, secrets("ak", "short-sk"), signTime, 0), "FIPS 140-only")

		long := hwsign.Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}
		require.NoError(t, long.Sign(req, nil, signTime))
		require.NoError(t, Verify(req, nil, secrets(historyAK, historySK), signTime, 0))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyShortKeyFIPSOnly$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GODEBUG=fips140=only", "HWVERIFY_FIPS_ONLY_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
