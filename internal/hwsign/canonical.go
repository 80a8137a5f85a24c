package hwsign

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// PayloadHash is the lowercase hex SHA-256 of the exact body bytes.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest builds METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOADHASH:
// the URI percent-encoded by segment with a trailing '/', the query sorted
// and percent-encoded, a "name:trimmed-value" line per value of each signed
// header (lowercase names), and the names joined by ';'. "host" is an
// explicit Host header, else req.Host, else the URL's: net/http keeps the
// Host out of req.Header.
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		for _, v := range canonicalHeaderValues(req, name) {
			headers.WriteString(name + ":" + v + "\n")
		}
	}
	return strings.Join([]string{req.Method, canonicalURI(req.URL), canonicalQuery(req.URL.RawQuery), headers.String(),
		strings.Join(signedHeaders, ";"), payloadHash}, "\n")
}

// canonicalURI encodes the path segment by segment from EscapedPath (what
// is on the wire), so an encoded '/' stays inside its segment.
func canonicalURI(u *url.URL) string {
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

// canonicalQuery parses the query itself: url.ParseQuery drops pairs it
// cannot decode (and keys with ';'), and every byte the server receives
// must be signed. A part that does not decode is encoded as it stands.
func canonicalQuery(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{queryUnescape(k), queryUnescape(v)})
	}
	// Sorted on the decoded text, as the SDK does.
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.k, b.k), strings.Compare(a.v, b.v))
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = escape(p.k) + "=" + escape(p.v)
	}
	return strings.Join(parts, "&")
}

func queryUnescape(s string) string {
	if dec, err := url.QueryUnescape(s); err == nil {
		return dec
	}
	return s
}

// canonicalHeaderValues lists a signed header's trimmed values, sorted, one
// line each as Huawei's gateway does. The name matches case-insensitively:
// a hand-built header map may hold "X-A" and "x-a".
func canonicalHeaderValues(req *http.Request, name string) []string {
	if name == "host" {
		return []string{strings.TrimSpace(cmp.Or(req.Header.Get("Host"), req.Host, req.URL.Host))}
	}
	var values []string
	for k, vs := range req.Header {
		if strings.EqualFold(k, name) {
			for _, v := range vs {
				values = append(values, strings.TrimSpace(v))
			}
		}
	}
	slices.Sort(values)
	return values
}

// escape percent-encodes all but A-Za-z0-9-_.~ as the gateway does (a
// literal '+' is already %2B).
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
