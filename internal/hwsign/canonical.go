package hwsign

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// EmptyBodyHash is PayloadHash(nil): the hex SHA-256 of no bytes.
const EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// PayloadHash is the lowercase hex SHA-256 of the exact body bytes.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest builds METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOADHASH:
// the URI with each segment percent-encoded and a trailing '/', the query
// with keys and values sorted and percent-encoded, one "name:trimmed-value"
// line per signed header (HEADERS therefore ends in a newline), and the
// signed names joined by ';'. signedHeaders are lowercased names; a "host"
// value is taken from req.Header.Get("Host") falling back to req.Host then
// req.URL.Host, because net/http keeps the Host out of req.Header on both the
// client and the server side.
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) string {
	var headers strings.Builder
	for _, name := range signedHeaders {
		for _, v := range canonicalHeaderValues(req, name) {
			headers.WriteString(name + ":" + v + "\n")
		}
	}
	query := ""
	if req.URL != nil {
		query = canonicalQuery(req.URL.RawQuery)
	}
	return strings.Join([]string{req.Method, canonicalURI(req.URL), query, headers.String(),
		strings.Join(signedHeaders, ";"), payloadHash}, "\n")
}

// canonicalURI encodes the escaped path segment by segment. It starts from
// EscapedPath (what is on the wire) and decodes each segment before encoding
// it again, so an encoded '/' inside a segment stays part of that segment on
// both the signing and the verifying side.
func canonicalURI(u *url.URL) string {
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

// canonicalQuery is the canonical form of a raw query. It parses the query
// itself rather than with url.ParseQuery, which silently drops pairs it
// cannot decode (and keys with ';'): every byte of the query the server
// receives must be covered by the signature. A part that does not decode is
// encoded as it stands.
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
	// Keys sorted, then each key's values, on the decoded text as the SDK does.
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
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

// canonicalHeaderValues lists the trimmed values of one signed header,
// sorted: a header with several values gives one line per value, as
// Huawei's API gateway signer does.
func canonicalHeaderValues(req *http.Request, name string) []string {
	var values []string
	if name == "host" {
		values = []string{hostOf(req)}
	} else {
		values = headerValues(req.Header, name)
	}
	for i := range values {
		values[i] = strings.TrimSpace(values[i])
	}
	slices.Sort(values)
	return values
}

// headerValues collects the values of every key that matches name
// case-insensitively: a header map built by hand may hold "X-A" and "x-a".
func headerValues(h http.Header, name string) []string {
	var out []string
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

func hostOf(req *http.Request) string {
	if h := req.Header.Get("Host"); h != "" {
		return h
	}
	if req.Host != "" {
		return req.Host
	}
	if req.URL != nil {
		return req.URL.Host
	}
	return ""
}

// escape percent-encodes everything but the unreserved A-Za-z0-9-_.~, with
// uppercase hex, as the gateway does: url.QueryEscape with a space as %20
// rather than '+' (a literal '+' is already %2B).
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
