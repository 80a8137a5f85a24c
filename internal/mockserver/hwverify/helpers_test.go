package hwverify

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

// The keys of the spec's test vectors (spec/huawei-iotda.md).
const (
	historyAK = "HPUAEXAMPLEAK000001"
	historySK = "exampleSecretKey0123456789abcdefghijklmn"
	sdkAK     = "AccessKey"
	sdkSK     = "SecretKey"
)

var (
	signTime    = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	sdkTestTime = time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
)

const signedURL = "https://iotda.cn-north-4.myhuaweicloud.com/v5/iot/0123456789abcdef0123456789abcdef/devices/dev-1/async-commands?limit=10&status=FAILED"

// secrets is a Verify lookup that knows one AK.
func secrets(ak, sk string) func(string) (string, bool) {
	return func(got string) (string, bool) {
		if got == ak {
			return sk, true
		}
		return "", false
	}
}

func newRequest(t testing.TB, method, url string, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	return req
}

// signedRequest returns a signed POST with a body and a few headers.
func signedRequest(t *testing.T, s hwsign.Signer) (*http.Request, []byte) {
	t.Helper()
	body := []byte(`{"service_id":"Switch","command_name":"ON_OFF","paras":{"value":"1"}}`)
	req := newRequest(t, http.MethodPost, signedURL, string(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Instance-Id", "inst-1234")
	req.Header.Set("User-Agent", "iotclient-go/test")
	require.NoError(t, s.Sign(req, body, signTime))
	return req, body
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

// validHeaderName reports whether name is an RFC 7230 token, what net/http's
// transport requires before it sends a header.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue mirrors httpguts.ValidHeaderFieldValue: no control
// characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
