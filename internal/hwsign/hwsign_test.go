package hwsign

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

func TestCanonicalRequestEncoding(t *testing.T) {
	req := newRequest(t, http.MethodGet, "https://h.example.com/a%20b/c+d/%2F/x~y.z_-?z=1&a=b&a=a&sp=a+b&plus=%2B&e&u=%C3%A9", "")
	got := CanonicalRequest(req, nil, "HASH")
	assert.Equal(t, "GET\n/a%20b/c%2Bd/%2F/x~y.z_-/\na=a&a=b&e=&plus=%2B&sp=a%20b&u=%C3%A9&z=1\n\n\nHASH", got)

	// Keys sort on their decoded text, as the SDK sorts before encoding:
	// "a." < "a/" although "%2F" sorts before ".".
	req2 := newRequest(t, http.MethodGet, "https://h.example.com/?a%2F=2&a.=1", "")
	assert.Equal(t, "GET\n/\na.=1&a%2F=2\n\n\nHASH", CanonicalRequest(req2, nil, "HASH"))

	// The host comes from an explicit Host header, then req.Host, then the URL.
	req.Header.Set("Host", "explicit.example.com")
	assert.Contains(t, CanonicalRequest(req, []string{"host"}, "H"), "\nhost:explicit.example.com\n")
	req.Header.Del("Host")
	req.Host = "req.example.com"
	assert.Contains(t, CanonicalRequest(req, []string{"host"}, "H"), "\nhost:req.example.com\n")
	req.Host = ""
	assert.Contains(t, CanonicalRequest(req, []string{"host"}, "H"), "\nhost:h.example.com\n")
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

func TestVerifyRejectsTampering(t *testing.T) {
	s := Signer{AK: historyAK, SK: historySK, SecurityToken: "session-token-value"}
	derived := Signer{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"}
	lookup := secrets(historyAK, historySK)

	cases := []struct {
		name   string
		signer Signer
		tamper func(r *http.Request, body []byte) []byte
		want   error
	}{
		{"query value", s, func(r *http.Request, b []byte) []byte { r.URL.RawQuery = "limit=11&status=FAILED"; return b }, ErrSignatureMismatch},
		{"query added", s, func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&x=1"; return b }, ErrSignatureMismatch},
		{"path", s, func(r *http.Request, b []byte) []byte { r.URL.Path += "x"; return b }, ErrSignatureMismatch},
		{"method", s, func(r *http.Request, b []byte) []byte { r.Method = http.MethodPut; return b }, ErrSignatureMismatch},
		{"signed header", s, func(r *http.Request, b []byte) []byte { r.Header.Set("Instance-Id", "other"); return b }, ErrSignatureMismatch},
		{"security token", s, func(r *http.Request, b []byte) []byte { r.Header.Set(SecurityTokenHeader, "other"); return b }, ErrSignatureMismatch},
		{"signed header removed", s, func(r *http.Request, b []byte) []byte { r.Header.Del("Instance-Id"); return b }, ErrMalformed},
		{"body", s, func(r *http.Request, b []byte) []byte { return append(b, ' ') }, ErrSignatureMismatch},
		{"body emptied", s, func(r *http.Request, b []byte) []byte { return nil }, ErrSignatureMismatch},
		{"date changed", s, func(r *http.Request, b []byte) []byte { r.Header.Set(DateHeader, "20240102T030406Z"); return b }, ErrSignatureMismatch},
		{"date stale", s, func(r *http.Request, b []byte) []byte { r.Header.Set(DateHeader, "20240102T021905Z"); return b }, ErrDateSkew},
		{"date future", s, func(r *http.Request, b []byte) []byte { r.Header.Set(DateHeader, "20240102T034906Z"); return b }, ErrDateSkew},
		{"date garbage", s, func(r *http.Request, b []byte) []byte { r.Header.Set(DateHeader, "yesterday"); return b }, ErrMalformed},
		{"date missing", s, func(r *http.Request, b []byte) []byte { r.Header.Del(DateHeader); return b }, ErrMalformed},
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
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), AlgorithmSDK, "AWS4-HMAC-SHA256", 1))
			return b
		}, ErrMalformed},
		{"algorithm swapped", s, func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), AlgorithmSDK, AlgorithmV11, 1))
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
	for _, s := range []Signer{
		{AK: historyAK, SK: historySK},
		{AK: historyAK, SK: historySK, Derived: true, Region: "cn-north-4", Service: "iotdm"},
	} {
		c := req.Clone(req.Context())
		if s.Sign(c, body, signTime) == nil {
			_, p := authParams(t, c.Header.Get("Authorization"))
			assert.NotContains(t, msg, p["Signature"])
		}
	}
	assert.NotContains(t, msg, DerivedKey(historyAK, historySK, "20240102/cn-north-4/iotdm"))
}

func TestVerifySkew(t *testing.T) {
	req, body := signedRequest(t, Signer{AK: "ak", SK: "sk"})
	lookup := secrets("ak", "sk")
	require.NoError(t, Verify(req, body, lookup, signTime.Add(DefaultMaxSkew), 0))
	require.ErrorIs(t, Verify(req, body, lookup, signTime.Add(DefaultMaxSkew+time.Second), 0), ErrDateSkew)
	require.ErrorIs(t, Verify(req, body, lookup, signTime.Add(-DefaultMaxSkew-time.Second), 0), ErrDateSkew)
	require.NoError(t, Verify(req, body, lookup, signTime.Add(time.Minute), time.Minute))
	err := Verify(req, body, lookup, signTime.Add(2*time.Minute), time.Minute)
	require.ErrorIs(t, err, ErrDateSkew)
	assert.Contains(t, err.Error(), "20240102T030405Z")
}

func TestDerivedKeyIsLowerHex(t *testing.T) {
	k := DerivedKey("a", "b", "c")
	assert.Len(t, k, 64)
	assert.Equal(t, strings.ToLower(k), k)
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

// FuzzCanonicalRequest builds requests from arbitrary path, query, header and
// body. CanonicalRequest must never panic; Sign then Verify must succeed on
// the request object, and also after the request has been written to the wire
// and parsed back by net/http, whenever net/http accepts it, because that is
// what the mock server (and the real gateway) will see.
func FuzzCanonicalRequest(f *testing.F) {
	f.Add("/v5/iot/p/devices/d/async-commands-history", "limit=10&marker=5c8f3d2d3df1f10d803adbda", "Instance-Id", "inst-1", []byte(nil), false)
	f.Add("", "", "", "", []byte(nil), false)
	f.Add("/a%2Fb/c d/", "a=x+y&a=%2B&flag&=v&k=", "X-Multi", "  spaced  ", []byte("{}\n"), true)
	f.Add("/%E4%BD%A0/..//./", "q=%E2%82%AC&q=%zz&;=1", "x_under", "v", []byte{0xff, 0}, true)
	f.Add("/p", "a=1#frag", "Host", "other.example.com", []byte("x"), false)
	f.Add("/p?x", "b=2", "Content-Type", "text/plain", []byte(nil), true)
	f.Add("/p", "", "User-Agent", "", []byte(nil), false)
	f.Add("/p", "", "X-Sdk-Date", "bogus", []byte(nil), false)
	f.Add("/p", "", "Authorization", "stale", []byte(nil), false)
	f.Add("/p", "", "X-Security-Token", "forged", []byte(nil), true)
	f.Add("/p", "", "X-Empty", "", []byte(nil), false)
	f.Add("/p", "", "X-Nbsp", "\u00a0v\u00a0", []byte(nil), false)

	f.Fuzz(func(t *testing.T, path, query, hname, hvalue string, body []byte, derived bool) {
		s := Signer{AK: "HPUAFUZZ", SK: "fuzz-secret", SecurityToken: "tok"}
		if derived {
			s = Signer{AK: "HPUAFUZZ", SK: "fuzz-secret", Derived: true, Region: "cn-north-4", Service: "iotdm"}
		}
		lookup := secrets(s.AK, s.SK)

		// Whatever the request, canonicalisation must not panic.
		raw := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{hname: {hvalue}}}
		_ = CanonicalRequest(raw, []string{"host", strings.ToLower(hname)}, PayloadHash(body))

		method := http.MethodGet
		if len(body) > 0 {
			method = http.MethodPost
		}
		u, err := url.Parse("http://example.com/" + strings.TrimPrefix(path, "/"))
		if err != nil {
			return // not a request anyone could build
		}
		u.RawQuery = query
		req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		if validHeaderName(hname) && validHeaderValue(hvalue) {
			if strings.EqualFold(hname, "host") {
				// net/http sends req.Host, not a Host header; sign what is sent.
				hvalue = req.Host
			}
			req.Header.Add(hname, hvalue)
		}
		if err := s.Sign(req, body, signTime); err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if err := Verify(req, body, lookup, signTime, 0); err != nil {
			t.Fatalf("Verify in memory: %v\nrequest %+v", err, req)
		}

		// Round trip through the wire format.
		var buf bytes.Buffer
		if err := req.Write(&buf); err != nil {
			return
		}
		sent := buf.String()
		got, err := http.ReadRequest(bufio.NewReader(&buf))
		if err != nil {
			return // net/http itself would refuse this request
		}
		gotBody, err := io.ReadAll(got.Body)
		if err != nil {
			return
		}
		if err := Verify(got, gotBody, lookup, signTime, 0); err != nil {
			t.Fatalf("Verify after the wire: %v\nsent:\n%q", err, sent)
		}
	})
}
