// Package hwsign implements Huawei Cloud's AK/SK request signature: the
// SDK-HMAC-SHA256 algorithm of the API gateway and the derived
// V11-HMAC-SHA256 variant that IoTDA standard and enterprise instance
// endpoints require.
//
// It lives in one internal package because two sides need the very same
// canonicalisation: the SDK signs requests with it (through auth.AKSK) and
// the in-repo mock server verifies them with it. A difference between the two
// would hide signing bugs, so there is only one implementation.
//
// The canonical request follows huaweicloud-sdk-go-v3's signer byte for byte
// (the test vectors in the package tests come from it and from Huawei's
// signing guide).
package hwsign

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	// DateHeader carries the signing time; the gateway requires it to be signed.
	DateHeader = "X-Sdk-Date"
	// DateLayout is the Go layout of DateHeader's value (UTC, basic ISO 8601).
	DateLayout = "20060102T150405Z"
	// AlgorithmSDK names the plain signature: HMAC-SHA256 keyed with the SK.
	AlgorithmSDK = "SDK-HMAC-SHA256"
	// AlgorithmV11 names the derived signature: HMAC-SHA256 keyed with a key
	// derived from AK, SK, the date, the region and the service.
	AlgorithmV11 = "V11-HMAC-SHA256"
	// EmptyBodyHash is PayloadHash(nil): the hex SHA-256 of no bytes.
	EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

	// SecurityTokenHeader carries the session token of temporary credentials.
	SecurityTokenHeader = "X-Security-Token"
	// DefaultMaxSkew is the clock skew the API gateway tolerates; Verify uses
	// it when given a maxSkew of zero or less.
	DefaultMaxSkew = 15 * time.Minute

	// infoDateLayout is the date part of a derived signature's info.
	infoDateLayout = "20060102"
)

// Errors returned (wrapped, with details) by Verify, so a server can map them
// to its own error codes with errors.Is.
var (
	// ErrNoAuthorization: the request carries no Authorization header.
	ErrNoAuthorization = errors.New("hwsign: missing Authorization header")
	// ErrMalformed: the Authorization header or the date cannot be parsed,
	// or a header the signature depends on is missing or unsigned.
	ErrMalformed = errors.New("hwsign: malformed signature")
	// ErrUnknownAccessKey: the secret lookup does not know the AK.
	ErrUnknownAccessKey = errors.New("hwsign: unknown access key")
	// ErrDateSkew: the X-Sdk-Date is too far from the server's clock.
	ErrDateSkew = errors.New("hwsign: request date outside the allowed skew")
	// ErrSignatureMismatch: the signature does not match the request.
	ErrSignatureMismatch = errors.New("hwsign: signature does not match")
)

// Signer signs requests. Derived=true selects V11-HMAC-SHA256 with Region and
// Service (info = yyyyMMdd/region/service); otherwise SDK-HMAC-SHA256 is used.
// A Signer holds secrets: never print it.
type Signer struct {
	AK, SK        string
	SecurityToken string
	Derived       bool
	Region        string
	Service       string
}

// Sign sets X-Sdk-Date (formatted from now in UTC, replacing any existing
// value), X-Security-Token when SecurityToken != "", and Authorization. body
// is the exact body bytes (nil = empty).
//
// Signed headers are all header names present in req.Header (lowercased,
// sorted), leaving out content-type and any name containing '_' as the
// official SDK does, plus "host" only if req.Header has an explicit "Host"
// entry. Content-Length, Transfer-Encoding and Trailer are left out too:
// net/http writes them from the request's own fields, never from req.Header,
// so signing them would sign values that are not sent; for the same reason
// an empty or repeated User-Agent is not signed. A stale Authorization
// from an earlier attempt is removed first, so a retried request is signed
// afresh rather than signing its old signature.
//
// Errors name the missing part (AK, SK, region, service), never a secret.
func (s Signer) Sign(req *http.Request, body []byte, now time.Time) error {
	switch {
	case req == nil || req.URL == nil:
		return errors.New("hwsign: nil request or URL")
	case s.AK == "":
		return errors.New("hwsign: access key (AK) is empty")
	case s.SK == "":
		return errors.New("hwsign: secret key (SK) is empty")
	case s.Derived && s.Region == "":
		return errors.New("hwsign: derived signing needs a region")
	case s.Derived && s.Service == "":
		return errors.New("hwsign: derived signing needs a service")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	now = now.UTC()
	date := now.Format(DateLayout)
	req.Header.Del("Authorization")
	req.Header.Set(DateHeader, date)
	if s.SecurityToken != "" {
		req.Header.Set(SecurityTokenHeader, s.SecurityToken)
	}

	signed := signedHeaderNames(req.Header)
	canonical := CanonicalRequest(req, signed, PayloadHash(body))
	joined := strings.Join(signed, ";")

	if s.Derived {
		info := now.Format(infoDateLayout) + "/" + s.Region + "/" + s.Service
		key := DerivedKey(s.AK, s.SK, info)
		sig := signature(key, stringToSign(AlgorithmV11, date, info, canonical))
		req.Header.Set("Authorization", AlgorithmV11+" Credential="+s.AK+"/"+info+
			", SignedHeaders="+joined+", Signature="+sig)
		return nil
	}
	sig := signature(s.SK, stringToSign(AlgorithmSDK, date, "", canonical))
	req.Header.Set("Authorization", AlgorithmSDK+" Access="+s.AK+
		", SignedHeaders="+joined+", Signature="+sig)
	return nil
}

// signedHeaderNames lists the headers Sign covers; see Sign for the rules.
func signedHeaderNames(h http.Header) []string {
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

// CanonicalRequest builds METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOADHASH:
// the URI with each segment percent-encoded and a trailing '/', the query
// with keys and values sorted and percent-encoded, one "name:trimmed-value"
// line per signed header (HEADERS therefore ends in a newline), and the
// signed names joined by ';'. signedHeaders are lowercased names; a "host"
// value is taken from req.Header.Get("Host") falling back to req.Host then
// req.URL.Host, because net/http keeps the Host out of req.Header on both the
// client and the server side.
func CanonicalRequest(req *http.Request, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(req.URL))
	b.WriteByte('\n')
	if req.URL != nil {
		b.WriteString(canonicalQuery(req.URL.RawQuery))
	}
	b.WriteByte('\n')
	writeCanonicalHeaders(&b, req, signedHeaders)
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
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

// canonicalQuery parses the raw query itself rather than with url.ParseQuery,
// which silently drops pairs it cannot decode (and keys with ';'): every byte
// of the query the server receives must be covered by the signature. A part
// that does not decode is encoded as it stands.
func canonicalQuery(raw string) string {
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

func queryUnescape(s string) string {
	if dec, err := url.QueryUnescape(s); err == nil {
		return dec
	}
	return s
}

// writeCanonicalHeaders writes "name:value\n" for every signed header. A
// header with several values gives one line per value, sorted, as Huawei's
// API gateway signer does.
func writeCanonicalHeaders(b *strings.Builder, req *http.Request, signed []string) {
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
// uppercase hex (a space is %20, a '+' is %2B).
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	t := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			t = append(t, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			t = append(t, c)
		}
	}
	return string(t)
}

func shouldEscape(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return false
	case c == '-', c == '_', c == '.', c == '~':
		return false
	}
	return true
}

// PayloadHash is the lowercase hex SHA-256 of the exact body bytes.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// DerivedKey is the lowercase hex of HKDF-SHA256(IKM=SK, salt=AK, info, 32
// bytes). The V11 signature is keyed with this hex text, not the raw bytes,
// as the official SDK does.
func DerivedKey(ak, sk, info string) string {
	key, err := hkdf.Key(sha256.New, []byte(sk), []byte(ak), info, 32)
	if err != nil {
		// Only possible for lengths beyond 255*32 bytes; 32 is constant.
		panic("hwsign: hkdf: " + err.Error())
	}
	return hex.EncodeToString(key)
}

// stringToSign is "ALGORITHM\nDATE\n[INFO\n]HEX(SHA256(canonical))".
func stringToSign(algorithm, date, info, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	h := hex.EncodeToString(sum[:])
	if info == "" {
		return algorithm + "\n" + date + "\n" + h
	}
	return algorithm + "\n" + date + "\n" + info + "\n" + h
}

func signature(key, sts string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

// authorization is a parsed Authorization header.
type authorization struct {
	algorithm string
	ak        string
	info      string // V11 only
	signed    []string
	signature string
}

func parseAuthorization(v string) (authorization, error) {
	var a authorization
	alg, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return a, fmt.Errorf("%w: Authorization has no parameters", ErrMalformed)
	}
	a.algorithm = alg
	if alg != AlgorithmSDK && alg != AlgorithmV11 {
		return a, fmt.Errorf("%w: unsupported algorithm %q", ErrMalformed, truncate(alg))
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("%w: Authorization parameter without '='", ErrMalformed)
		}
		if _, dup := params[k]; dup {
			return a, fmt.Errorf("%w: Authorization parameter %q repeated", ErrMalformed, truncate(k))
		}
		params[k] = val
	}
	credKey := "Access"
	if alg == AlgorithmV11 {
		credKey = "Credential"
	}
	for _, k := range []string{credKey, "SignedHeaders", "Signature"} {
		if params[k] == "" {
			return a, fmt.Errorf("%w: Authorization lacks %s", ErrMalformed, k)
		}
	}
	if len(params) != 3 {
		return a, fmt.Errorf("%w: Authorization has unexpected parameters for %s", ErrMalformed, alg)
	}
	a.ak = params[credKey]
	if alg == AlgorithmV11 {
		ak, info, ok := strings.Cut(a.ak, "/")
		if !ok || ak == "" || strings.Count(info, "/") != 2 {
			return a, fmt.Errorf("%w: Credential must be AK/yyyyMMdd/region/service", ErrMalformed)
		}
		a.ak, a.info = ak, info
	}
	a.signed = strings.Split(params["SignedHeaders"], ";")
	a.signature = params["Signature"]
	return a, nil
}

// Verify checks the Authorization header of a received request (server
// side, used by the mock server). secret looks up the SK for an AK. Both
// SDK-HMAC-SHA256 and V11-HMAC-SHA256 are accepted; for V11 the key is
// derived from the Credential's info, whose date must be X-Sdk-Date's day.
// The signature is recomputed over the headers the client listed in
// SignedHeaders, which must include x-sdk-date and, when the request carries
// one, x-security-token. A date more than maxSkew away from now is refused
// (maxSkew <= 0 means DefaultMaxSkew).
//
// Errors wrap ErrNoAuthorization, ErrMalformed, ErrUnknownAccessKey,
// ErrDateSkew or ErrSignatureMismatch and say what was wrong; they never
// contain the secret key or the expected signature.
func Verify(req *http.Request, body []byte, secret func(ak string) (sk string, ok bool), now time.Time, maxSkew time.Duration) error {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	if req == nil || req.URL == nil {
		return fmt.Errorf("%w: nil request or URL", ErrMalformed)
	}
	raw := req.Header.Get("Authorization")
	if raw == "" {
		return ErrNoAuthorization
	}
	a, err := parseAuthorization(raw)
	if err != nil {
		return err
	}

	dateValue := req.Header.Get(DateHeader)
	if dateValue == "" {
		return fmt.Errorf("%w: missing %s header", ErrMalformed, DateHeader)
	}
	date, err := time.Parse(DateLayout, dateValue)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not in the form %s", ErrMalformed, DateHeader, truncate(dateValue), DateLayout)
	}
	if d := now.Sub(date); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("%w: %s %s is %s away from the server time %s (limit %s)",
			ErrDateSkew, DateHeader, dateValue, d.Abs().Round(time.Second), now.UTC().Format(DateLayout), maxSkew)
	}

	for i, name := range a.signed {
		switch {
		case name == "" || name != strings.ToLower(name):
			return fmt.Errorf("%w: SignedHeaders must be lowercase names separated by ';'", ErrMalformed)
		case i > 0 && a.signed[i-1] >= name:
			return fmt.Errorf("%w: SignedHeaders must be sorted and unique", ErrMalformed)
		case name == "host":
			if hostOf(req) == "" {
				return fmt.Errorf("%w: signed header host is missing", ErrMalformed)
			}
		case len(headerValues(req.Header, name)) == 0:
			return fmt.Errorf("%w: signed header %q is not in the request", ErrMalformed, truncate(name))
		}
	}
	if !slices.Contains(a.signed, "x-sdk-date") {
		return fmt.Errorf("%w: x-sdk-date is not signed", ErrMalformed)
	}
	if len(headerValues(req.Header, SecurityTokenHeader)) > 0 && !slices.Contains(a.signed, "x-security-token") {
		return fmt.Errorf("%w: x-security-token is present but not signed", ErrMalformed)
	}

	sk, ok := secret(a.ak)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownAccessKey, truncate(a.ak))
	}
	canonical := CanonicalRequest(req, a.signed, PayloadHash(body))
	var want string
	if a.algorithm == AlgorithmV11 {
		if day, _, _ := strings.Cut(a.info, "/"); day != date.Format(infoDateLayout) {
			return fmt.Errorf("%w: Credential date %q is not the day of %s %s", ErrMalformed, truncate(day), DateHeader, dateValue)
		}
		want = signature(DerivedKey(a.ak, sk, a.info), stringToSign(AlgorithmV11, dateValue, a.info, canonical))
	} else {
		want = signature(sk, stringToSign(AlgorithmSDK, dateValue, "", canonical))
	}
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return fmt.Errorf("%w: %s signature for AK %q over %s %s with signed headers %q",
			ErrSignatureMismatch, a.algorithm, truncate(a.ak), req.Method, canonicalURI(req.URL), strings.Join(a.signed, ";"))
	}
	return nil
}

func headerValues(h http.Header, name string) []string {
	var out []string
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

// truncate keeps client-supplied text in error messages short.
func truncate(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
