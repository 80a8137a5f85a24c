package hwsign

// The straightforward implementation of the canonical request and the
// signature, as it was before the allocation-free rewrite in hwsign.go:
// FuzzFastMatchesReference checks the two agree byte for byte.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func refCanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(refCanonicalURI(req.URL))
	b.WriteByte('\n')
	if req.URL != nil {
		b.WriteString(refCanonicalQuery(req.URL.RawQuery))
	}
	b.WriteByte('\n')
	refWriteCanonicalHeaders(&b, req, signedHeaders)
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

func refCanonicalURI(u *url.URL) string {
	if u == nil {
		return "/"
	}
	segments := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segments {
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		}
		segments[i] = escape(seg)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func refCanonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{queryUnescape(k), queryUnescape(v)})
	}
	// Keys sorted, then each key's values, on the decoded text as the SDK does.
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(escape(p.k))
		b.WriteByte('=')
		b.WriteString(escape(p.v))
	}
	return b.String()
}

func refWriteCanonicalHeaders(b *strings.Builder, req *http.Request, signed []string) {
	for _, name := range signed {
		var values []string
		for k, vs := range req.Header {
			if strings.EqualFold(k, name) {
				values = append(values, vs...)
			}
		}
		if name == "host" {
			values = []string{hostOf(req)}
		}
		for i := range values {
			values[i] = strings.TrimSpace(values[i])
		}
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
}

func refSignedHeaderNames(h http.Header) []string {
	// net/http sends only the first User-Agent, and none at all when it is
	// empty: sign it only when what is signed is what is sent.
	ua, hasUA := h["User-Agent"]
	skipUA := hasUA && (len(ua) != 1 || strings.TrimSpace(ua[0]) == "")
	names := make([]string, 0, len(h))
	for k := range h {
		name := strings.ToLower(k)
		switch {
		case name == "content-type", strings.Contains(name, "_"),
			name == "content-length", name == "transfer-encoding", name == "trailer",
			name == "authorization", name == "user-agent" && skipUA:
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return slices.Compact(names) // "X-A" and "x-a" map keys are one header
}

func refStringToSign(algorithm, date, info, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	h := hex.EncodeToString(sum[:])
	if info == "" {
		return algorithm + "\n" + date + "\n" + h
	}
	return algorithm + "\n" + date + "\n" + info + "\n" + h
}

func refSignature(key, sts string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// FuzzFastMatchesReference checks the allocation-free canonical request,
// header selection and signature against the straightforward ones.
func FuzzFastMatchesReference(f *testing.F) {
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
	f.Fuzz(func(t *testing.T, path, query, hname, hvalue, key, msg string) {
		req := &http.Request{Method: "GET", URL: &url.URL{Path: path, RawQuery: query}, Host: "example.com",
			Header: http.Header{hname: {hvalue}, "X-Project-Id": {"p"}, "Accept": {"application/json"}}}
		if hname != "" {
			req.Header.Add(strings.ToLower(hname), "second "+hvalue)
		}
		want := refSignedHeaderNames(req.Header)
		got := signedHeaderNames(req.Header)
		if !slices.Equal(got, want) {
			t.Fatalf("signed headers %q, reference %q", got, want)
		}
		signed := append([]string{"host"}, want...)
		slices.Sort(signed)
		signed = slices.Compact(signed)
		if got, want := CanonicalRequest(req, signed, PayloadHash([]byte(msg))), refCanonicalRequest(req, signed, PayloadHash([]byte(msg))); got != want {
			t.Fatalf("canonical request\n%q\nreference\n%q", got, want)
		}
		if got, want := signature(key, AlgorithmSDK, "20240102T030405Z", "", []byte(msg)), refSignature(key, refStringToSign(AlgorithmSDK, "20240102T030405Z", "", msg)); got != want {
			t.Fatalf("signature %s, reference %s", got, want)
		}
		if got, want := signature(key, AlgorithmV11, "20240102T030405Z", "20240102/r/s", []byte(msg)), refSignature(key, refStringToSign(AlgorithmV11, "20240102T030405Z", "20240102/r/s", msg)); got != want {
			t.Fatalf("derived signature %s, reference %s", got, want)
		}
	})
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
