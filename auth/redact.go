package auth

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// base is what every credential embeds, both parts fixed when it is built
// (a credential never changes): the outcome of its checks, which Validate
// and every Apply report, and a description without secrets, which gives
// it every printed form: String, GoString, fmt's verbs (through Format,
// without which fmt would print the fields), log/slog (whose JSON handler
// would otherwise marshal the value itself) and encoding/json.
type base struct {
	desc    string
	invalid error
}

// Validate reports what makes the credential unusable, without sending
// anything.
func (r base) Validate() error { return r.invalid }

// String returns the redacted description.
func (r base) String() string { return r.desc }

// GoString is String: the Go syntax form must not show a secret either.
func (r base) GoString() string { return r.desc }

// Format prints the description for %v, %s and %q with their flags and
// width, and a %!verb(…) error for any other verb.
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

// MarshalJSON encodes the description.
func (r base) MarshalJSON() ([]byte, error) { return json.Marshal(r.desc) }

// abbreviate shortens an identifier (an AK, an API key) to its first and
// last four characters: enough to tell which key is in use from a log line,
// too little to matter should the identifier be treated as sensitive.
// Identifiers of eight characters or fewer keep only their first two.
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

// hidden keeps a secret string behind a pointer. Where fmt prints a
// credential's fields raw (a bad verb such as %s on a credential nested in
// an unexported field, where its Format method cannot be called), a field
// of this type shows as an address, never as the secret.
type hidden struct{ p *string }

func hide(s string) hidden { return hidden{&s} }

// get returns the secret.
func (h hidden) get() string {
	if h.p == nil {
		return ""
	}
	return *h.p
}
