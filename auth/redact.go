package auth

import (
	"fmt"
	"log/slog"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// base is what every credential embeds, fixed when it is built: the
// outcome of its checks and a description without secrets, which is every
// printed form (fmt, log/slog, encoding/json).
type base struct {
	desc    string
	invalid error
}

// Validate reports what makes the credential unusable.
func (r base) Validate() error { return r.invalid }

// String returns the redacted description.
func (r base) String() string { return r.desc }

// GoString returns the redacted description.
func (r base) GoString() string { return r.desc }

// Format prints the description for %v, %s and %q, and %!verb(…) for
// other verbs.
func (r base) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 's'), r.desc)
	case 'q':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 'q'), r.desc)
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(%s)", verb, r.desc)
	}
}

// LogValue logs the description.
func (r base) LogValue() slog.Value { return slog.StringValue(r.desc) }

// MarshalJSON encodes the description (encoding/json's Marshaler, which
// json v2 honours too); invalid UTF-8 becomes U+FFFD, as encoding/json
// would write it.
func (r base) MarshalJSON() ([]byte, error) {
	return json.Marshal(r.desc, jsontext.AllowInvalidUTF8(true))
}

// abbreviate keeps the first and last four characters of an identifier (an
// AK, an API key), enough to tell keys apart in a log; eight or fewer keep
// at most two.
func abbreviate(s string) string {
	r := []rune(s)
	switch n := len(r); {
	case n == 0:
		return ""
	case n <= 8:
		return string(r[:min(2, n/2)]) + "…"
	default:
		return string(r[:4]) + "…" + string(r[n-4:])
	}
}

// secret shows whether a secret is set without showing it.
func secret(s string) string {
	if s == "" {
		return `""`
	}
	return `"[redacted]"`
}

// hidden keeps a secret behind a pointer: where fmt prints a credential's
// fields raw (nested in an unexported field, where Format cannot be
// called), it shows an address.
type hidden struct{ p *string }

func hide(s string) hidden { return hidden{&s} }

func (h hidden) get() string {
	if h.p == nil {
		return ""
	}
	return *h.p
}
