// Package auth holds the ways a request proves who sends it: an IoTDA
// X-Auth-Token, Huawei AK/SK request signing (SDK-HMAC-SHA256 and the derived
// V11-HMAC-SHA256 used by instance endpoints), and the IBM Watson IoT API key
// and token sent as HTTP Basic credentials.
//
// A Credential is applied on every attempt of a request, so a retry is
// signed afresh. Credentials never print their secrets, under any fmt verb,
// in log/slog or in encoding/json.
package auth

import (
	"errors"
	"net/http"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
)

// Credential authenticates one attempt of an HTTP request. Apply is called
// after every other header is set, with the exact body bytes (nil for
// none); it must be safe for concurrent use.
type Credential interface {
	Apply(req *http.Request, body []byte) error
}

// Refresher is a credential whose token can be replaced, as IAMPassword's:
// after a 401 the SDK calls Invalidate and, when it reports true, repeats
// the request once (a 401 means it was not processed).
type Refresher interface {
	Credential
	// Invalidate drops the token carried by sent (the request as it went
	// out; nil means the current token) unless it was already replaced, so
	// many requests failing with one stale token cause one refresh. It
	// reports whether the next Apply will send another token.
	Invalidate(sent *http.Request) bool
}

// Validator is implemented by every credential in this package: clients
// call Validate when they are built, to refuse an incomplete credential
// before any request.
type Validator interface {
	Validate() error
}

// prepare starts every Apply: it returns the credential's problem, refuses
// a request without a URL and gives a hand-built request a header map.
func prepare(req *http.Request, invalid error) error {
	switch {
	case invalid != nil:
		return invalid
	case req == nil || req.URL == nil:
		return errors.New("auth: nil request or URL")
	case req.Header == nil:
		req.Header = make(http.Header)
	}
	return nil
}

// missing is a *iotclient.ValidationError naming a credential's part,
// never its value.
func missing(field, reason string) error {
	return &iotclient.ValidationError{Field: field, Reason: reason}
}

// headerSafe reports whether net/http would send s as a header value;
// checking here names the credential part rather than the header.
func headerSafe(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}
