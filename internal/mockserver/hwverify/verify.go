// Package hwverify checks Huawei AK/SK signatures on the server side, for
// the mock server. It lives beside the mock rather than in hwsign because
// the SDK only signs: verification is test infrastructure. It recomputes
// the signature with hwsign's signer, so both sides share one
// canonicalisation.
package hwverify

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

// DefaultMaxSkew is the clock skew the API gateway tolerates; Verify uses it
// when given a maxSkew of zero or less.
const DefaultMaxSkew = 15 * time.Minute

// Error is a reason Verify refuses a request; Verify's errors wrap one of
// the constants below so that callers can tell them apart with errors.Is.
type Error string

func (e Error) Error() string { return "hwverify: " + string(e) }

// The reasons Verify refuses a request.
const (
	ErrNoAuthorization   Error = "missing Authorization header"
	ErrMalformed         Error = "malformed signature"
	ErrUnknownAccessKey  Error = "unknown access key"
	ErrDateSkew          Error = "request date outside the allowed skew"
	ErrSignatureMismatch Error = "signature does not match"
)

// Verify checks the Authorization header of a received request. secret
// looks up the SK for an AK. Both SDK-HMAC-SHA256 and V11-HMAC-SHA256 are
// accepted; for V11 the Credential's date must be X-Sdk-Date's day. The
// signature is recomputed over the headers the client listed in
// SignedHeaders, which must include x-sdk-date and, when the request carries
// one, x-security-token. A date more than maxSkew away from now is refused
// (maxSkew <= 0 means DefaultMaxSkew).
//
// Errors wrap one of the Err constants and never contain the secret key or
// the expected signature.
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

	dateValue := req.Header.Get(hwsign.DateHeader)
	if dateValue == "" {
		return fmt.Errorf("%w: missing %s header", ErrMalformed, hwsign.DateHeader)
	}
	date, err := time.Parse(hwsign.DateLayout, dateValue)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not in the form %s", ErrMalformed, hwsign.DateHeader, truncate(dateValue), hwsign.DateLayout)
	}
	if d := now.Sub(date); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("%w: %s %s is %s away from the server time %s (limit %s)",
			ErrDateSkew, hwsign.DateHeader, dateValue, d.Abs().Round(time.Second), now.UTC().Format(hwsign.DateLayout), maxSkew)
	}
	if err := checkSignedHeaders(req, a.signed); err != nil {
		return err
	}

	sk, ok := secret(a.ak)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownAccessKey, truncate(a.ak))
	}
	signer := hwsign.Signer{AK: a.ak, SK: sk}
	if a.algorithm == hwsign.AlgorithmV11 {
		day, scope, _ := strings.Cut(a.info, "/")
		if day != date.Format("20060102") {
			return fmt.Errorf("%w: Credential date %q is not the day of %s %s", ErrMalformed, truncate(day), hwsign.DateHeader, dateValue)
		}
		signer.Derived = true
		signer.Region, signer.Service, _ = strings.Cut(scope, "/")
	}
	want, err := signer.Signature(req, a.signed, body, dateValue)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
		return fmt.Errorf("%w: %s signature for AK %q over %s %s with signed headers %q",
			ErrSignatureMismatch, a.algorithm, truncate(a.ak), req.Method, req.URL.EscapedPath(), strings.Join(a.signed, ";"))
	}
	return nil
}

// checkSignedHeaders checks the SignedHeaders list is well formed, names
// only headers the request has, and covers the date and any security token.
func checkSignedHeaders(req *http.Request, signed []string) error {
	for i, name := range signed {
		switch {
		case name == "" || name != strings.ToLower(name):
			return fmt.Errorf("%w: SignedHeaders must be lowercase names separated by ';'", ErrMalformed)
		case i > 0 && signed[i-1] >= name:
			return fmt.Errorf("%w: SignedHeaders must be sorted and unique", ErrMalformed)
		case name == "host":
			if req.Header.Get("Host") == "" && req.Host == "" && req.URL.Host == "" {
				return fmt.Errorf("%w: signed header host is missing", ErrMalformed)
			}
		case !hasHeader(req.Header, name):
			return fmt.Errorf("%w: signed header %q is not in the request", ErrMalformed, truncate(name))
		}
	}
	if !slices.Contains(signed, "x-sdk-date") {
		return fmt.Errorf("%w: x-sdk-date is not signed", ErrMalformed)
	}
	if hasHeader(req.Header, hwsign.SecurityTokenHeader) && !slices.Contains(signed, "x-security-token") {
		return fmt.Errorf("%w: x-security-token is present but not signed", ErrMalformed)
	}
	return nil
}

// hasHeader matches name case-insensitively, as the signer does: a header
// map built by hand may hold "x-a" rather than "X-A".
func hasHeader(h http.Header, name string) bool {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return true
		}
	}
	return false
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
	if alg != hwsign.AlgorithmSDK && alg != hwsign.AlgorithmV11 {
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
	if alg == hwsign.AlgorithmV11 {
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
	if alg == hwsign.AlgorithmV11 {
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

// truncate keeps client-supplied text in error messages short.
func truncate(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
