package hwverify

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

// FuzzSignVerify builds requests from arbitrary path, query, header and body.
// CanonicalRequest must never panic; Sign then Verify must succeed on the request object, and also after the
// request has been written to the wire and parsed back by net/http, whenever
// net/http accepts it, because that is what the mock server (and the real
// gateway) will see.
func FuzzSignVerify(f *testing.F) {
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
		s := hwsign.Signer{AK: "HPUAFUZZ", SK: "fuzz-secret", SecurityToken: "tok"}
		if derived {
			s = hwsign.Signer{AK: "HPUAFUZZ", SK: "fuzz-secret", Derived: true, Region: "cn-north-4", Service: "iotdm"}
		}
		lookup := secrets(s.AK, s.SK)

		// Whatever the request, canonicalisation must not panic.
		raw := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{hname: {hvalue}}}
		_ = hwsign.CanonicalRequest(raw, []string{"host", strings.ToLower(hname)}, hwsign.PayloadHash(body))

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

// FuzzVerifyKeys checks a request signed with any SK (empty, short, around
// HMAC's 64-byte block) verifies with that SK and no other, in both
// algorithms.
func FuzzVerifyKeys(f *testing.F) {
	f.Add("/v5/iot/p/devices/d/async-commands-history", "limit=10&marker=5c8f3d2d3df1f10d803adbda", "Instance-Id", "inst-1", "k", "m")
	f.Add("/a%2Fb/c d/", "a=x+y&a=%2B&flag&=v&k=", "X-Multi", "  spaced  ", strings.Repeat("k", 65), "msg")
	f.Add("/%E4%BD%A0/..//./", "q=%E2%82%AC&q=%zz&;=1", "x_under", "v", strings.Repeat("k", 64), "")
	f.Add("/p", "b=1&a=2", "Host", "other.example.com", "", "x")
	f.Add("0", "\x00=", "0", "", "", "")
	f.Fuzz(func(t *testing.T, path, query, hname, hvalue, key, msg string) {
		if key == "" || !validHeaderName(hname) {
			return // auth refuses an empty SK; net/http refuses such a header
		}
		for _, s := range []hwsign.Signer{
			{AK: "ak", SK: key},
			{AK: "ak", SK: key, Derived: true, Region: "r", Service: "s"},
		} {
			req := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Host: "example.com",
				Header: http.Header{hname: {hvalue}, "X-Project-Id": {"p"}, "Accept": {"application/json"}}}
			req.Header.Add(strings.ToLower(hname), "second "+hvalue)
			if err := s.Sign(req, []byte(msg), signTime); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if err := Verify(req, []byte(msg), secrets("ak", key), signTime, 0); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := Verify(req, []byte(msg), secrets("ak", key+"x"), signTime, 0); !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("Verify with another SK: %v, want %v", err, ErrSignatureMismatch)
			}
		}
	})
}
