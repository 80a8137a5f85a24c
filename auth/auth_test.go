package auth

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/hwsign"
	"github.com/iotclient/iotclient-go/internal/mockserver/hwverify"
)

const (
	testAK    = "HPUAEXAMPLEAK000001"
	testSK    = "exampleSecretKey0123456789abcdefghijklmn"
	testToken = "MIIEXAMPLE-iam-token-value"
	testSTS   = "temporary-session-token-value"
	testKey   = "a-ab12cd-tsh5ppr4qw"
	testPass  = "IBMexampleAuthToken!"

	regionalURL = "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/my_product_dev-001/async-commands-history?limit=10&marker=5c8f3d2d3df1f10d803adbda&start_time=20240101T000000Z"
	instanceURL = "https://0a1b2c3d4e.st1.iotda-app.cn-south-1.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands"
)

// t0 is the history vector's signing time (spec: 20240102T030405Z).
var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func lookup(ak, sk string) func(string) (string, bool) {
	return func(got string) (string, bool) { return sk, got == ak }
}

// fixedAKSK builds an AKSK credential whose clock reads *now.
func fixedAKSK(t *testing.T, now *time.Time, opts ...AKSKOption) Credential {
	t.Helper()
	c := AKSK(testAK, testSK, opts...)
	c.(*akskCredential).now = func() time.Time { return *now }
	return c
}

func newReq(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	return req
}

func authParams(t *testing.T, req *http.Request) (alg string, p map[string]string) {
	t.Helper()
	alg, rest, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	require.True(t, ok)
	p = map[string]string{}
	for part := range strings.SplitSeq(rest, ", ") {
		k, v, _ := strings.Cut(part, "=")
		p[k] = v
	}
	return alg, p
}

func TestToken(t *testing.T) {
	req := newReq(t, http.MethodGet, regionalURL, "")
	require.NoError(t, Token(testToken).Apply(req, nil))
	assert.Equal(t, testToken, req.Header.Get("X-Auth-Token"))
	assert.Empty(t, req.Header.Get("Authorization"))

	// A request without a header map still gets one.
	bare := &http.Request{Method: http.MethodGet, URL: req.URL}
	require.NoError(t, Token(testToken).Apply(bare, nil))
	assert.Equal(t, testToken, bare.Header.Get(tokenHeader))
}

func TestAPIKey(t *testing.T) {
	req := newReq(t, http.MethodGet, "https://ab12cd.internetofthings.ibmcloud.com/api/v0002/clientconnectionstates", "")
	require.NoError(t, APIKey(testKey, testPass).Apply(req, nil))
	user, pass, ok := req.BasicAuth()
	require.True(t, ok)
	assert.Equal(t, testKey, user)
	assert.Equal(t, testPass, pass)
}

func TestOrgFromAPIKey(t *testing.T) {
	for key, want := range map[string]string{
		"a-ab12cd-tsh5ppr4qw": "ab12cd",
		"a-ab12cd-x-y-z":      "ab12cd",
		"a-000000-r":          "000000",
		"a-ab12cd-":           "",
		"a-ab12c-xyz":         "",
		"a-ab12cde-xyz":       "",
		"a-AB12CD-xyz":        "",
		"b-ab12cd-xyz":        "",
		"a-ab 2cd-xyz":        "",
		"ab12cd":              "",
		"":                    "",
	} {
		org, ok := OrgFromAPIKey(key)
		assert.Equal(t, want, org, key)
		assert.Equal(t, want != "", ok, key)
	}
}

func TestAKSKSignsAndVerifies(t *testing.T) {
	now := t0
	c := fixedAKSK(t, &now)
	req := newReq(t, http.MethodGet, regionalURL, "")
	req.Header.Set("Instance-Id", "inst-1234")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	require.NoError(t, c.Apply(req, nil))

	// This is the spec's history vector, end to end through AKSK.
	assert.Equal(t, "20240102T030405Z", req.Header.Get(hwsign.DateHeader))
	assert.Equal(t, "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK000001, SignedHeaders=instance-id;x-project-id;x-sdk-date, "+
		"Signature=74f671cbbdb50892cfe6cc99c01941d0fe418217e39962349046e576fc6a6835", req.Header.Get("Authorization"))
	require.NoError(t, hwverify.Verify(req, nil, lookup(testAK, testSK), t0, 0))
}

func TestAKSKResignsEveryApply(t *testing.T) {
	now := t0
	c := fixedAKSK(t, &now)
	body := []byte(`{"service_id":"Switch","command_name":"ON_OFF","paras":{"value":"1"}}`)
	req := newReq(t, http.MethodPost, regionalURL, string(body))
	req.Header.Set("Content-Type", "application/json")

	require.NoError(t, c.Apply(req, body))
	firstDate, firstAuth := req.Header.Get(hwsign.DateHeader), req.Header.Get("Authorization")
	require.NoError(t, hwverify.Verify(req, body, lookup(testAK, testSK), now, 0))

	// A retry 20 minutes later, on the same request: the first signature is
	// now outside the gateway's skew, the new one must verify.
	now = t0.Add(20 * time.Minute)
	require.ErrorIs(t, hwverify.Verify(req, body, lookup(testAK, testSK), now, 0), hwverify.ErrDateSkew)
	require.NoError(t, c.Apply(req, body))
	assert.Equal(t, "20240102T032405Z", req.Header.Get(hwsign.DateHeader))
	assert.NotEqual(t, firstDate, req.Header.Get(hwsign.DateHeader))
	assert.NotEqual(t, firstAuth, req.Header.Get("Authorization"))
	assert.Len(t, req.Header.Values("Authorization"), 1)
	assert.Len(t, req.Header.Values(hwsign.DateHeader), 1)
	_, p := authParams(t, req)
	assert.Equal(t, "x-sdk-date", p["SignedHeaders"], "the old Authorization is not signed, nor Content-Type")
	require.NoError(t, hwverify.Verify(req, body, lookup(testAK, testSK), now, 0))
}

func TestAKSKDerivedOnInstanceHost(t *testing.T) {
	now := t0
	for _, url := range []string{
		instanceURL,
		strings.Replace(instanceURL, ".com/", ".com:443/", 1),
		strings.Replace(instanceURL, "0a1b2c3d4e.st1.iotda-app.cn-south-1", "0A1B2C3D4E.ST1.IOTDA-APP.CN-SOUTH-1", 1),
	} {
		req := newReq(t, http.MethodGet, url, "")
		require.NoError(t, fixedAKSK(t, &now).Apply(req, nil))
		alg, p := authParams(t, req)
		assert.Equal(t, hwsign.AlgorithmV11, alg, url)
		assert.Equal(t, testAK+"/20240102/cn-south-1/iotdm", p["Credential"], url)
		require.NoError(t, hwverify.Verify(req, nil, lookup(testAK, testSK), now, 0))
	}

	// req.Host, which net/http sends instead of the URL's host, decides.
	req := newReq(t, http.MethodGet, "http://127.0.0.1:8080/v5/iot/p/devices/d/async-commands", "")
	req.Host = "0123456789.st1.iotda-app.cn-north-4.myhuaweicloud.com"
	require.NoError(t, fixedAKSK(t, &now).Apply(req, nil))
	_, p := authParams(t, req)
	assert.Equal(t, testAK+"/20240102/cn-north-4/iotdm", p["Credential"])
}

func TestAKSKPlainOnOtherHosts(t *testing.T) {
	now := t0
	for _, url := range []string{
		regionalURL,
		"http://127.0.0.1:39999/v5/iot/p",
		"https://0a1b2c3d4.st1.iotda-app.cn-south-1.myhuaweicloud.com/",  // 9 hex digits
		"https://0a1b2c3d4g.st1.iotda-app.cn-south-1.myhuaweicloud.com/", // not hex
		"https://0a1b2c3d4e.st1.iotda-app.myhuaweicloud.com/",            // no region
		"https://0a1b2c3d4e.st1.iotda-app.cn-south-1.myhuaweicloud.com.evil.example/",
		"https://x.0a1b2c3d4e.st1.iotda-app.cn-south-1.example.com/",
	} {
		req := newReq(t, http.MethodGet, url, "")
		require.NoError(t, fixedAKSK(t, &now).Apply(req, nil))
		alg, _ := authParams(t, req)
		assert.Equal(t, hwsign.AlgorithmSDK, alg, url)
	}
}

func TestAKSKWithDerivedSigning(t *testing.T) {
	now := t0
	req := newReq(t, http.MethodGet, "http://127.0.0.1:39999/v5/iot/p/devices/d/async-commands", "")
	require.NoError(t, fixedAKSK(t, &now, WithDerivedSigning("ap-southeast-1")).Apply(req, nil))
	alg, p := authParams(t, req)
	assert.Equal(t, hwsign.AlgorithmV11, alg)
	assert.Equal(t, testAK+"/20240102/ap-southeast-1/iotdm", p["Credential"])
	require.NoError(t, hwverify.Verify(req, nil, lookup(testAK, testSK), now, 0))

	// The forced region wins over the one in an instance host.
	req = newReq(t, http.MethodGet, instanceURL, "")
	require.NoError(t, fixedAKSK(t, &now, WithDerivedSigning("cn-east-3")).Apply(req, nil))
	_, p = authParams(t, req)
	assert.Equal(t, testAK+"/20240102/cn-east-3/iotdm", p["Credential"])
}

func TestAKSKSecurityToken(t *testing.T) {
	now := t0
	for _, url := range []string{regionalURL, instanceURL} {
		req := newReq(t, http.MethodGet, url, "")
		require.NoError(t, fixedAKSK(t, &now, WithSecurityToken(testSTS)).Apply(req, nil))
		assert.Equal(t, testSTS, req.Header.Get("X-Security-Token"))
		_, p := authParams(t, req)
		assert.Equal(t, "x-sdk-date;x-security-token", p["SignedHeaders"])
		require.NoError(t, hwverify.Verify(req, nil, lookup(testAK, testSK), now, 0))

		// The token is covered: a different one fails verification.
		req.Header.Set("X-Security-Token", "forged")
		require.ErrorIs(t, hwverify.Verify(req, nil, lookup(testAK, testSK), now, 0), hwverify.ErrSignatureMismatch)
	}
}

func TestAKSKUsesTheRealClock(t *testing.T) {
	req := newReq(t, http.MethodGet, regionalURL, "")
	require.NoError(t, AKSK(testAK, testSK).Apply(req, nil))
	require.NoError(t, hwverify.Verify(req, nil, lookup(testAK, testSK), time.Now(), time.Minute))
}

// TestValidation checks each incomplete credential names the missing part,
// matches iotclient.ErrInvalidArgument, and shows no secret.
func TestValidation(t *testing.T) {
	cases := []struct {
		cred Credential
		want string
	}{
		{Token(""), "token is empty"},
		{Token("abc\r\nX-Evil: 1"), "token contains control characters"},
		{AKSK("", testSK), "access key (AK) is empty"},
		{AKSK(testAK, ""), "secret key (SK) is empty"},
		{AKSK("", ""), "access key (AK) is empty"},
		{AKSK(testAK, testSK, WithSecurityToken("")), "empty token"},
		{AKSK(testAK, testSK, WithSecurityToken(testSTS+"\n")), "security token contains control characters"},
		{AKSK(testAK, testSK, WithDerivedSigning("")), "empty region"},
		{AKSK("AK\n", testSK), "access key (AK) contains control characters"},
		{APIKey("", testPass), "API key is empty"},
		{APIKey(testKey, ""), "authentication token is empty"},
		{APIKey("a:b", testPass), "contains ':'"},
	}
	for _, tc := range cases {
		req := newReq(t, http.MethodGet, regionalURL, "")
		err := tc.cred.Apply(req, nil)
		require.Error(t, err, "%v", tc.cred)
		assert.Contains(t, err.Error(), tc.want)
		assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
		var ve *iotclient.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Empty(t, ve.Value)
		assertNoSecrets(t, err.Error())
		assert.Empty(t, req.Header.Get("Authorization"), "nothing is set on failure")
		assert.Empty(t, req.Header.Get(tokenHeader))

		v, ok := tc.cred.(Validator)
		require.True(t, ok)
		assert.Equal(t, err, v.Validate())
	}
	for _, c := range []Credential{Token(testToken), AKSK(testAK, testSK), APIKey(testKey, testPass)} {
		assert.NoError(t, c.(Validator).Validate())
	}
	err := AKSK(testAK, testSK).Apply(&http.Request{}, nil)
	require.Error(t, err)
	assertNoSecrets(t, err.Error())
}

func TestConcurrentApply(t *testing.T) {
	creds := []Credential{Token(testToken), AKSK(testAK, testSK, WithSecurityToken(testSTS)), APIKey(testKey, testPass)}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			c := creds[i%len(creds)]
			req, _ := http.NewRequest(http.MethodGet, instanceURL, nil)
			if err := c.Apply(req, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
