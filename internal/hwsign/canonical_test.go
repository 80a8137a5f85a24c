package hwsign

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

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

// FuzzCanonicalProperties checks what must hold for any request: the signed
// header list follows Sign's rules; the canonical request does not depend on
// the order of query parts or header values and is stable; the canonical
// query and URI are their own canonical form. Sign-then-verify lives in
// internal/mockserver/hwverify.
func FuzzCanonicalProperties(f *testing.F) {
	f.Add("/v5/iot/p/devices/d/async-commands-history", "limit=10&marker=5c8f3d2d3df1f10d803adbda", "Instance-Id", "inst-1", "k", "m")
	f.Add("", "", "", "", "", "")
	f.Add("/a%2Fb/c d/", "a=x+y&a=%2B&flag&=v&k=", "X-Multi", "  spaced  ", strings.Repeat("k", 65), "msg")
	f.Add("/%E4%BD%A0/..//./", "q=%E2%82%AC&q=%zz&;=1", "x_under", "v", strings.Repeat("k", 64), "")
	f.Add("/p", "b=1&a=2", "Host", "other.example.com", "", "x")
	f.Add("/p", "a=1&a=1&a=0", "User-Agent", "", "", "")
	f.Add("/p/", "a==1&b", "X-Empty", "", "", "")
	f.Add("p", "a=1&&b=2", "x-lower", "v", "", "")
	f.Add("0", "\x00=", "0", "", "", "")  // a NUL is not unreserved
	f.Add("0", "0", "\x80", "0", "0", "") // ToLower turns the byte into U+FFFD
	f.Fuzz(func(t *testing.T, path, query, hname, hvalue, _, msg string) {
		build := func(query string, reverse bool) *http.Request {
			req := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Host: "example.com",
				Header: http.Header{hname: {hvalue}, "X-Project-Id": {"p"}, "Accept": {"application/json"}}}
			if hname != "" {
				req.Header.Add(strings.ToLower(hname), "second "+hvalue)
			}
			if reverse {
				for k, vs := range req.Header {
					if !strings.EqualFold(k, "host") { // "host" is the first Host value by definition
						slices.Reverse(vs)
					}
				}
			}
			return req
		}
		req := build(query, false)

		signed := signedHeaderNames(req.Header)
		if !slices.IsSorted(signed) || len(slices.Compact(slices.Clone(signed))) != len(signed) {
			t.Fatalf("signed headers %q are not sorted and unique", signed)
		}
		for _, name := range signed {
			switch {
			case name != strings.ToLower(name), name == "content-type", strings.Contains(name, "_"),
				name == "authorization", name == "content-length":
				t.Fatalf("signed headers %q include %q", signed, name)
			}
		}

		signed = slices.Compact(slices.Sorted(slices.Values(append(signed, "host"))))
		hash := PayloadHash([]byte(msg))
		canonical := CanonicalRequest(req, signed, hash)
		if again := CanonicalRequest(req, signed, hash); again != canonical {
			t.Fatalf("canonical request not stable:\n%q\n%q", canonical, again)
		}
		parts := strings.Split(query, "&")
		slices.Reverse(parts)
		if other := CanonicalRequest(build(strings.Join(parts, "&"), true), signed, hash); other != canonical {
			t.Fatalf("canonical request depends on order:\n%q\n%q", canonical, other)
		}

		cq := canonicalQuery(query)
		if again := canonicalQuery(cq); again != cq {
			t.Fatalf("canonical query %q canonicalises to %q", cq, again)
		}
		cu := canonicalURI(req.URL)
		if dec, err := url.PathUnescape(cu); err == nil {
			if again := canonicalURI(&url.URL{Path: dec, RawPath: cu}); again != cu {
				t.Fatalf("canonical URI %q canonicalises to %q", cu, again)
			}
		}
	})
}
