package auth

import iotclient "github.com/iotclient/iotclient-go"

// missing reports an empty part of a credential as a
// *iotclient.ValidationError (so errors.Is(err, iotclient.ErrInvalidArgument)
// holds). It names the part and never carries a value: the value of a
// secret must not reach an error string.
func missing(field, reason string) error {
	return &iotclient.ValidationError{Field: field, Reason: reason}
}

// Validator is implemented by every credential in this package. A client can
// call Validate when it is built, to refuse an incomplete credential before
// any request instead of failing on the first one; Apply runs the same
// checks on every attempt anyway.
type Validator interface {
	Validate() error
}

// headerSafe reports whether s can be sent as a header value: net/http
// refuses control characters other than tab, and catching them here gives an
// error that names the credential part rather than the header.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
