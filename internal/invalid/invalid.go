// Package invalid builds the *iotclient.ValidationError every SDK package
// returns for input it refuses before sending a request. It is internal so
// that the public API keeps one way to make such an error, the struct
// itself, and users do not mistake a constructor for something they need.
package invalid

import iotclient "github.com/iotclient/iotclient-go"

// maxValue is how much of an offending value an error quotes: enough to
// recognise it, without echoing a whole payload.
const maxValue = 64

// Field returns a *iotclient.ValidationError for field, quoting value
// (shortened to maxValue bytes and an ellipsis) and saying what is wrong.
func Field(field, value, reason string) *iotclient.ValidationError {
	if len(value) > maxValue {
		value = value[:maxValue] + "…"
	}
	return &iotclient.ValidationError{Field: field, Value: value, Reason: reason}
}
