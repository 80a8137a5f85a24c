package hwverify

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

func TestVerifyRejectsTampering(t *testing.T) {
	s := hwsign.Signer{AK: historyAK, SK: historySK, SecurityToken: "session-token-value"}
	derived := hwsign.Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}
	lookup := secrets(historyAK, historySK)

	cases := []struct {
		name   string
		signer hwsign.Signer
		tamper func(r *http.Request, body []byte) []byte
		want   error
	}{
		{"query value", s, func(r *http.Request, b []byte) []byte { r.URL.RawQuery = "limit=11&status=FAILED"; return b }, ErrSignatureMismatch},
		{"query added", s, func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&x=1"; return b }, ErrSignatureMismatch},
		{"path", s, func(r *http.Request, b []byte) []byte { r.URL.Path += "x"; return b }, ErrSignatureMismatch},
		{"method", s, func(r *http.Request, b []byte) []byte { r.Method = http.MethodPut; return b }, ErrSignatureMismatch},
		{"signed header", s, func(r *http.Request, b []byte) []byte { r.Header.Set("Instance-Id", "other"); return b }, ErrSignatureMismatch},
		{"security token", s, func(r *http.Request, b []byte) []byte { r.Header.Set(hwsign.SecurityTokenHeader, "other"); return b }, ErrSignatureMismatch},
		{"signed header removed", s, func(r *http.Request, b []byte) []byte { r.Header.Del("Instance-Id"); return b }, ErrMalformed},
		{"body", s, func(r *http.Request, b []byte) []byte { return append(b, ' ') }, ErrSignatureMismatch},
		{"body emptied", s, func(r *http.Request, b []byte) []byte { return nil }, ErrSignatureMismatch},
		{"date changed", s, func(r *http.Request, b []byte) []byte { r.Header.Set(hwsign.DateHeader, "20240102T030406Z"); return b }, ErrSignatureMismatch},
		{"date stale", s, func(r *http.Request, b []byte) []byte { r.Header.Set(hwsign.DateHeader, "20240102T021905Z"); return b }, ErrDateSkew},
		{"date future", s, func(r *http.Request, b []byte) []byte { r.Header.Set(hwsign.DateHeader, "20240102T034906Z"); return b }, ErrDateSkew},
		{"date garbage", s, func(r *http.Request, b []byte) []byte { r.Header.Set(hwsign.DateHeader, "yesterday"); return b }, ErrMalformed},
		{"date missing", s, func(r *http.Request, b []byte) []byte { r.Header.Del(hwsign.DateHeader); return b }, ErrMalformed},
		{"no authorization", s, func(r *http.Request, b []byte) []byte { r.Header.Del("Authorization"); return b }, ErrNoAuthorization},
		{"unknown AK", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), historyAK, "OTHERAK", 1))
			return b
		}, ErrUnknownAccessKey},
		{"signature changed", s, func(r *http.Request, b []byte) []byte {
			v := r.Header.Get("Authorization")
			r.Header.Set("Authorization", v[:len(v)-1]+string("01"[v[len(v)-1]%2]))
			return b
		}, ErrSignatureMismatch},
		{"token unsigned", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-security-token", "", 1))
			return b
		}, ErrMalformed},
		{"date unsigned", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-sdk-date;", "", 1))
			return b
		}, ErrMalformed},
		{"unsorted signed headers", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "instance-id;user-agent", "user-agent;instance-id", 1))
			return b
		}, ErrMalformed},
		{"unknown algorithm", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), hwsign.AlgorithmSDK, "AWS4-HMAC-SHA256", 1))
			return b
		}, ErrMalformed},
		{"algorithm swapped", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), hwsign.AlgorithmSDK, hwsign.AlgorithmV11, 1))
			return b
		}, ErrMalformed},
		{"garbage", s, func(r *http.Request, b []byte) []byte { r.Header.Set("Authorization", "Basic abc"); return b }, ErrMalformed},
		{"derived info day", derived, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20240102/", "/20240103/", 1))
			return b
		}, ErrMalformed},
		{"derived region", derived, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/cn-north-4/", "/cn-south-1/", 1))
			return b
		}, ErrSignatureMismatch},
		{"derived credential", derived, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/iotdm,", ",", 1))
			return b
		}, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, body := signedRequest(t, tc.signer)
			require.NoError(t, Verify(req, body, lookup, signTime, 0), "untampered")
			body = tc.tamper(req, body)
			err := Verify(req, body, lookup, signTime, 0)
			require.ErrorIs(t, err, tc.want)
			assertNoSecret(t, err, req, body)
		})
	}
}

// assertNoSecret checks an error names neither the SK, the derived key nor
// the signature the server expected.
func assertNoSecret(t *testing.T, err error, req *http.Request, body []byte) {
	t.Helper()
	msg := err.Error()
	assert.NotContains(t, msg, historySK)
	for _, s := range []hwsign.Signer{
		{AK: historyAK, SK: historySK},
		{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"},
	} {
		c := req.Clone(req.Context())
		if s.Sign(c, body, signTime) == nil {
			_, p := authParams(t, c.Header.Get("Authorization"))
			assert.NotContains(t, msg, p["Signature"])
		}
	}
	assert.NotContains(t, msg, hwsign.DerivedKey(historyAK, historySK, "20240102/cn-north-4/iotdm"))
}

func TestVerifySkew(t *testing.T) {
	req, body := signedRequest(t, hwsign.Signer{AK: "ak", SK: "sk"})
	lookup := secrets("ak", "sk")
	require.NoError(t, Verify(req, body, lookup, signTime.Add(DefaultMaxSkew), 0))
	require.ErrorIs(t, Verify(req, body, lookup, signTime.Add(DefaultMaxSkew+time.Second), 0), ErrDateSkew)
	require.ErrorIs(t, Verify(req, body, lookup, signTime.Add(-DefaultMaxSkew-time.Second), 0), ErrDateSkew)
	require.NoError(t, Verify(req, body, lookup, signTime.Add(time.Minute), time.Minute))
	err := Verify(req, body, lookup, signTime.Add(2*time.Minute), time.Minute)
	require.ErrorIs(t, err, ErrDateSkew)
	assert.Contains(t, err.Error(), "20240102T030405Z")
}
