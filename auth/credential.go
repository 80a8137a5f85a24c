// Package auth holds the ways a request proves who sends it: an IoTDA
// X-Auth-Token, Huawei AK/SK request signing (SDK-HMAC-SHA256 and the derived
// V11-HMAC-SHA256 used by instance endpoints), and the IBM Watson IoT API key
// and token sent as HTTP Basic credentials.
//
// A Credential is applied by the SDK on every attempt of a request, after
// every other header is set, so a retried request is signed again with a
// fresh date. Credentials never print their secrets: String, GoString and
// fmt's %v, %+v and %#v all show redacted values.
package auth

import (
	"errors"
	"net/http"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
)

// Credential authenticates one attempt of an HTTP request.
//
// Apply is called once per attempt, after every other header has been set,
// with body holding the exact bytes that will be sent (nil when there is no
// body). It must be safe for concurrent use.
type Credential interface {
	Apply(req *http.Request, body []byte) error
}

// Refresher is implemented by credentials whose token can be replaced: when
// the platform answers 401 to a request, the SDK calls Invalidate with the
// request as it was sent and, when it reports true, repeats the request
// once, so Apply fetches a fresh token (a 401 means the request was not
// processed, so repeating it is safe whatever its method). IAMPassword
// implements it.
type Refresher interface {
	Credential
	// Invalidate drops the token sent in sent (the request as it went out,
	// with the credential applied), so that the next Apply fetches a new
	// one, and reports whether the next Apply will send a token other than
	// that one. It drops nothing when the credential has already replaced
	// that token, so many requests failing with the same stale token cause
	// one refresh, not one each; a credential may also refuse to drop a
	// token it has just obtained. A nil sent, or one carrying no token,
	// means the current token.
	Invalidate(sent *http.Request) bool
}

// Validator is implemented by every credential in this package. A client can
// call Validate when it is built, to refuse an incomplete credential before
// any request instead of failing on the first one; Apply runs the same
// checks on every attempt anyway.
type Validator interface {
	Validate() error
}

// prepare starts every Apply: it returns the credential's problem (found
// when it was built) and refuses a request without a URL, which no
// credential can apply to; a request built by hand gets a header map.
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

// missing reports an empty or unusable part of a credential as a
// *iotclient.ValidationError naming the part, never carrying its value.
func missing(field, reason string) error {
	return &iotclient.ValidationError{Field: field, Reason: reason}
}

// headerSafe reports whether s can be sent as a header value: net/http
// refuses control characters other than tab, and catching them here gives an
// error that names the credential part rather than the header.
func headerSafe(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}
