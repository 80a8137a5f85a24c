package hwsign

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The vectors below are the ones in spec/huawei-iotda.md ("Signing test
// vectors"), reproduced against Huawei's signing guide and the official Go
// SDK (huaweicloud-sdk-go-v3 v0.1.207). A failure here means requests would
// be refused by the real gateway.

const (
	historyAK = "HPUAEXAMPLEAK000001"
	historySK = "exampleSecretKey0123456789abcdefghijklmn"
	sdkAK     = "AccessKey"
	sdkSK     = "SecretKey"
)

// sdkTestTime is the official SDK unit tests' signing time (20060102T150405Z).
var sdkTestTime = time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)

func newRequest(t testing.TB, method, url string, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	return req
}

// authParams splits an Authorization value into its named parameters.
func authParams(t testing.TB, v string) (alg string, params map[string]string) {
	t.Helper()
	alg, rest, ok := strings.Cut(v, " ")
	require.True(t, ok, "Authorization %q", v)
	params = map[string]string{}
	for part := range strings.SplitSeq(rest, ", ") {
		k, val, ok := strings.Cut(part, "=")
		require.True(t, ok, "parameter %q", part)
		params[k] = val
	}
	return alg, params
}

func TestEmptyBodyHash(t *testing.T) {
	assert.Equal(t, emptyBodyHash, PayloadHash(nil))
	assert.Equal(t, emptyBodyHash, PayloadHash([]byte{}))
}

// Huawei's documented example signs content-type and host, which Sign leaves
// out (content-type) or adds only on request (host), so it is checked through
// CanonicalRequest with the signed list given explicitly.
func TestVectorHuaweiDocumentedExample(t *testing.T) {
	const (
		ak = "QTWAOYTTINDUT2QVKYUC"
		sk = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
	)
	req := newRequest(t, http.MethodGet,
		"https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", "")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Host", "service.region.example.com")
	req.Header.Set(DateHeader, "20191115T033655Z")

	signed := []string{"content-type", "host", "x-sdk-date"}
	canonical := CanonicalRequest(req, signed, PayloadHash(nil))
	assert.Equal(t, "GET\n"+
		"/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n"+
		"limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"+
		"content-type:application/json\n"+
		"host:service.region.example.com\n"+
		"x-sdk-date:20191115T033655Z\n"+
		"\n"+
		"content-type;host;x-sdk-date\n"+
		emptyBodyHash, canonical)
	sig, err := Signer{AK: "unused", SK: sk}.Signature(req, signed, nil, "20191115T033655Z")
	require.NoError(t, err)
	assert.Equal(t, "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe", sig)
	assert.Equal(t, sig, refSignature(sk, refStringToSign(AlgorithmSDK, "20191115T033655Z", "", canonical)))
}

func TestVectorHistoryRequest(t *testing.T) {
	req := newRequest(t, http.MethodGet,
		"https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/my_product_dev-001/async-commands-history?limit=10&marker=5c8f3d2d3df1f10d803adbda&start_time=20240101T000000Z", "")
	req.Header.Set("Instance-Id", "inst-1234")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")

	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, Signer{AK: historyAK, SK: historySK}.Sign(req, nil, date))

	assert.Equal(t, "20240102T030405Z", req.Header.Get(DateHeader))
	assert.Equal(t, "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK000001, SignedHeaders=instance-id;x-project-id;x-sdk-date, "+
		"Signature=74f671cbbdb50892cfe6cc99c01941d0fe418217e39962349046e576fc6a6835", req.Header.Get("Authorization"))
}

func TestVectorSDKGet(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://example.huaweicloud.com/path?limit=1", "")
	require.NoError(t, Signer{AK: sdkAK, SK: sdkSK}.Sign(req, nil, sdkTestTime))

	assert.Equal(t, "20060102T150405Z", req.Header.Get(DateHeader))
	assert.Equal(t, "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n"+emptyBodyHash,
		CanonicalRequest(req, []string{"x-sdk-date"}, emptyBodyHash))
	assert.Equal(t, "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, "+
		"Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624", req.Header.Get("Authorization"))
}

func TestVectorSDKPostTrailingNewline(t *testing.T) {
	// The official SDK's test body is JSON-encoded with a trailing newline; the
	// payload hash covers those exact bytes.
	const withNewline = "{\"Name\":\"test\",\"Id\":1}\n"
	const want = "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"

	req := newRequest(t, http.MethodPost, "https://example.huaweicloud.com/path?key=value", withNewline)
	// Content-Type is present but, as in the SDK, not signed.
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, Signer{AK: sdkAK, SK: sdkSK}.Sign(req, []byte(withNewline), sdkTestTime))
	_, p := authParams(t, req.Header.Get("Authorization"))
	assert.Equal(t, "x-sdk-date", p["SignedHeaders"])
	assert.Equal(t, want, p["Signature"])

	// Without the newline the signature differs.
	req2 := newRequest(t, http.MethodPost, "https://example.huaweicloud.com/path?key=value", strings.TrimSuffix(withNewline, "\n"))
	require.NoError(t, Signer{AK: sdkAK, SK: sdkSK}.Sign(req2, []byte(strings.TrimSuffix(withNewline, "\n")), sdkTestTime))
	_, p2 := authParams(t, req2.Header.Get("Authorization"))
	assert.NotEqual(t, want, p2["Signature"])
}

func TestVectorSDKDerivedGet(t *testing.T) {
	const info = "20060102/test-region-1/demo"
	assert.Equal(t, "fded840bf50eb1da840c631cec6649d58c4df22167c366bce4534ec85997f429", DerivedKey(sdkAK, sdkSK, info))

	req := newRequest(t, http.MethodGet, "https://example.huaweicloud.com/path?limit=1", "")
	s := Signer{AK: sdkAK, SK: sdkSK, Derived: true, Region: "test-region-1", Service: "demo"}
	require.NoError(t, s.Sign(req, nil, sdkTestTime))
	assert.Equal(t, "V11-HMAC-SHA256 Credential=AccessKey/20060102/test-region-1/demo, SignedHeaders=x-sdk-date, "+
		"Signature=8fd3610508884bb19718317797c7378716a94bc740d97502e569322e366341cc", req.Header.Get("Authorization"))
}

func TestVectorIoTDADerivedKey(t *testing.T) {
	assert.Equal(t, "0232867f26a2b1b0124310f438bf3e366ceb95ab7194bfd226a69912a1283d22",
		DerivedKey(historyAK, historySK, "20240102/cn-north-4/iotdm"))

	// Signing on that date with region cn-north-4 and service iotdm uses that info.
	req := newRequest(t, http.MethodGet, "https://0123456789.st1.iotda-app.cn-north-4.myhuaweicloud.com/v5/iot/p/devices/d/async-commands", "")
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}.Sign(req, nil, date))
	alg, p := authParams(t, req.Header.Get("Authorization"))
	assert.Equal(t, AlgorithmV11, alg)
	assert.Equal(t, historyAK+"/20240102/cn-north-4/iotdm", p["Credential"])
}

// emptyBodyHash is the hex SHA-256 of no bytes.
const emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
