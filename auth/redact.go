package auth

import (
	"fmt"
	"io"
	"log/slog"
	"unicode/utf8"
)

// redacted stands in for every secret when a credential is printed.
const redacted = "[redacted]"

// abbreviate shortens an identifier (an AK, an API key) to its first and
// last four characters: enough to tell which key is in use from a log line,
// too little to matter should the identifier be treated as sensitive.
// Identifiers of eight characters or fewer keep only their first two.
func abbreviate(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n <= 8:
		return string([]rune(s)[:min(2, n/2)]) + "…"
	}
	r := []rune(s)
	return string(r[:4]) + "…" + string(r[n-4:])
}

// secret shows whether a secret is set without showing it.
func secret(s string) string {
	if s == "" {
		return `""`
	}
	return `"` + redacted + `"`
}

// format implements fmt.Formatter for the credential types, so that every
// verb, flag and width prints the redacted forms: %v, %+v and %s use str,
// %#v uses gostr, %q quotes str. Without it fmt would print the struct's
// fields, secrets included.
func format(f fmt.State, verb rune, str, gostr string) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, gostr)
			return
		}
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, 's'), str)
	case 's', 'q':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), str)
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(%s)", verb, str)
	}
}

// logValue is what the credential types give log/slog (slog.LogValuer),
// whose JSON handler would otherwise marshal the value on its own.
func logValue(str string) slog.Value { return slog.StringValue(str) }

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
