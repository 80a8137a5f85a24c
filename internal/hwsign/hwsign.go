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
	"hash"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
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
	var dateBuf [len(DateLayout)]byte
	date := string(now.AppendFormat(dateBuf[:0], DateLayout))
	req.Header.Del("Authorization")
	req.Header[DateHeader] = []string{date}
	if s.SecurityToken != "" {
		req.Header.Set(SecurityTokenHeader, s.SecurityToken)
	}

	sc := getScratch()
	defer putScratch(sc)
	signed := signedHeaderNames(req.Header, sc.names[:0])
	sc.names = signed
	sc.canon = appendCanonicalRequest(sc.canon[:0], req, signed, PayloadHash(body))

	var info, key string
	auth := sc.auth[:0]
	if s.Derived {
		info = string(now.AppendFormat(dateBuf[:0], infoDateLayout)) + "/" + s.Region + "/" + s.Service
		key = DerivedKey(s.AK, s.SK, info)
		auth = append(auth, AlgorithmV11+" Credential="...)
		auth = append(auth, s.AK...)
		auth = append(auth, '/')
		auth = append(auth, info...)
	} else {
		key = s.SK
		auth = append(auth, AlgorithmSDK+" Access="...)
		auth = append(auth, s.AK...)
	}
	auth = append(auth, ", SignedHeaders="...)
	auth = appendJoined(auth, signed)
	auth = append(auth, ", Signature="...)
	alg := AlgorithmSDK
	if s.Derived {
		alg = AlgorithmV11
	}
	sc.sts = appendStringToSign(sc.sts[:0], alg, date, info, sc.canon)
	auth = hex.AppendEncode(auth, sc.hmac(key, sc.sts))
	sc.auth = auth
	req.Header["Authorization"] = []string{string(auth)}
	return nil
}

// scratch is the reusable memory of one signature.
type scratch struct {
	names []string
	canon []byte // the canonical request
	sts   []byte // the string to sign
	auth  []byte // the Authorization value
	h     hash.Hash
	pad   [sha256.BlockSize]byte
	sum   [sha256.Size]byte
}

var scratchPool = sync.Pool{New: func() any { return &scratch{h: sha256.New()} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.canon) > 64<<10 { // an unusually large request: do not keep it
		return
	}
	clear(sc.names)
	scratchPool.Put(sc)
}

// hmac is HMAC-SHA256 (RFC 2104) of msg keyed with key, written out so that
// it allocates nothing: crypto/hmac.New allocates its two hashes and pads
// on every call. The result is valid until the next use of sc.
func (sc *scratch) hmac(key string, msg []byte) []byte {
	var k [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		sum := sha256.Sum256([]byte(key))
		copy(k[:], sum[:])
	} else {
		copy(k[:], key)
	}
	h := sc.h
	for i := range sc.pad {
		sc.pad[i] = k[i] ^ 0x36
	}
	h.Reset()
	h.Write(sc.pad[:])
	h.Write(msg)
	inner := h.Sum(sc.sum[:0])
	for i := range sc.pad {
		sc.pad[i] = k[i] ^ 0x5c
	}
	h.Reset()
	h.Write(sc.pad[:])
	h.Write(inner)
	clear(sc.pad[:]) // pooled memory keeps nothing derived from the key
	return h.Sum(sc.sum[:0])
}

func appendJoined(b []byte, names []string) []byte {
	for i, n := range names {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, n...)
	}
	return b
}

// signedHeaderNames lists the headers Sign covers; see Sign for the rules.
func signedHeaderNames(h http.Header, dst []string) []string {
	// net/http sends only the first User-Agent, and none at all when it is
	// empty: sign it only when what is signed is what is sent.
	ua, hasUA := h["User-Agent"]
	skipUA := hasUA && (len(ua) != 1 || strings.TrimSpace(ua[0]) == "")
	names := dst[:0]
	for k := range h {
		name := lower(k)
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

// lower is strings.ToLower without an allocation for the headers the SDK
// always sends.
func lower(k string) string {
	switch k {
	case "Accept":
		return "accept"
	case "User-Agent":
		return "user-agent"
	case "X-Project-Id":
		return "x-project-id"
	case "X-Sdk-Date":
		return "x-sdk-date"
	case "Instance-Id":
		return "instance-id"
	case "X-Security-Token":
		return "x-security-token"
	case "Content-Type":
		return "content-type"
	case "Host":
		return "host"
	case "Authorization":
		return "authorization"
	}
	return strings.ToLower(k)
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
	return string(appendCanonicalRequest(nil, req, signedHeaders, payloadHash))
}

// appendCanonicalRequest appends CanonicalRequest's text to b.
func appendCanonicalRequest(b []byte, req *http.Request, signedHeaders []string, payloadHash string) []byte {
	b = append(b, req.Method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, req.URL)
	b = append(b, '\n')
	if req.URL != nil {
		b = appendCanonicalQuery(b, req.URL.RawQuery)
	}
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, req, signedHeaders)
	b = append(b, '\n')
	b = appendJoined(b, signedHeaders)
	b = append(b, '\n')
	return append(b, payloadHash...)
}

// canonicalURI encodes the escaped path segment by segment. It starts from
// EscapedPath (what is on the wire) and decodes each segment before encoding
// it again, so an encoded '/' inside a segment stays part of that segment on
// both the signing and the verifying side.
func canonicalURI(u *url.URL) string { return string(appendCanonicalURI(nil, u)) }

func appendCanonicalURI(b []byte, u *url.URL) []byte {
	if u == nil {
		return append(b, '/')
	}
	start := len(b)
	p := u.EscapedPath()
	if unreserved(p, true) {
		// Nothing to decode or encode: the common case.
		b = append(b, p...)
	} else {
		for i, seg := range strings.Split(p, "/") {
			if i > 0 {
				b = append(b, '/')
			}
			if dec, err := url.PathUnescape(seg); err == nil {
				seg = dec
			}
			b = append(b, escape(seg)...)
		}
	}
	if len(b) == start || b[len(b)-1] != '/' {
		b = append(b, '/')
	}
	return b
}

// unreserved reports whether s holds only A-Za-z0-9-_.~, and '/' if
// slash.
func unreserved(s string, slash bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; shouldEscape(c) && !(slash && c == '/') {
			return false
		}
	}
	return true
}

// appendCanonicalQuery appends the canonical form of the raw query. It
// parses the query itself rather than with url.ParseQuery, which silently
// drops pairs it cannot decode (and keys with ';'): every byte of the query
// the server receives must be covered by the signature. A part that does
// not decode is encoded as it stands.
func appendCanonicalQuery(b []byte, raw string) []byte {
	if raw == "" {
		return b
	}
	if canonicalAsIs(raw) {
		return append(b, raw...)
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
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, escape(p.k)...)
		b = append(b, '=')
		b = append(b, escape(p.v)...)
	}
	return b
}

// canonicalAsIs reports whether raw is already its canonical form: every
// part a key=value of unreserved characters (so decoding and encoding
// change nothing), in sorted order. The SDK sends its queries so.
func canonicalAsIs(raw string) bool {
	var prevK, prevV string
	first := true
	for part := range strings.SplitSeq(raw, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || !unreserved(k, false) || !unreserved(v, false) {
			return false
		}
		if !first && (k < prevK || k == prevK && v < prevV) {
			return false
		}
		prevK, prevV, first = k, v, false
	}
	return true
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
func appendCanonicalHeaders(b []byte, req *http.Request, signed []string) []byte {
	for _, name := range signed {
		if name == "host" {
			b = appendHeaderLine(b, name, strings.TrimSpace(hostOf(req)))
			continue
		}
		// The usual case: one header key holding one value.
		n, only := 0, ""
		for k, vs := range req.Header {
			if strings.EqualFold(k, name) {
				n += len(vs)
				if len(vs) > 0 {
					only = vs[0]
				}
			}
		}
		if n == 1 {
			b = appendHeaderLine(b, name, strings.TrimSpace(only))
			continue
		}
		var values []string
		for k, vs := range req.Header {
			if strings.EqualFold(k, name) {
				values = append(values, vs...)
			}
		}
		for i := range values {
			values[i] = strings.TrimSpace(values[i])
		}
		slices.Sort(values)
		for _, v := range values {
			b = appendHeaderLine(b, name, v)
		}
	}
	return b
}

func appendHeaderLine(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ':')
	b = append(b, value...)
	return append(b, '\n')
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
	if len(body) == 0 {
		return EmptyBodyHash
	}
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

// appendStringToSign appends "ALGORITHM\nDATE\n[INFO\n]HEX(SHA256(canonical))".
func appendStringToSign(b []byte, algorithm, date, info string, canonical []byte) []byte {
	sum := sha256.Sum256(canonical)
	b = append(b, algorithm...)
	b = append(b, '\n')
	b = append(b, date...)
	b = append(b, '\n')
	if info != "" {
		b = append(b, info...)
		b = append(b, '\n')
	}
	return hex.AppendEncode(b, sum[:])
}

// signature is the lowercase hex HMAC-SHA256 of the canonical request's
// string to sign.
func signature(key, algorithm, date, info string, canonical []byte) string {
	sc := getScratch()
	defer putScratch(sc)
	sc.sts = appendStringToSign(sc.sts[:0], algorithm, date, info, canonical)
	return hex.EncodeToString(sc.hmac(key, sc.sts))
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
	canonical := appendCanonicalRequest(nil, req, a.signed, PayloadHash(body))
	var want string
	if a.algorithm == AlgorithmV11 {
		if day, _, _ := strings.Cut(a.info, "/"); day != date.Format(infoDateLayout) {
			return fmt.Errorf("%w: Credential date %q is not the day of %s %s", ErrMalformed, truncate(day), DateHeader, dateValue)
		}
		want = signature(DerivedKey(a.ak, sk, a.info), AlgorithmV11, dateValue, a.info, canonical)
	} else {
		want = signature(sk, AlgorithmSDK, dateValue, "", canonical)
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
