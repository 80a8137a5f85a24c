// Package redact renders configuration values for String methods, errors
// and logs without the secrets they may hold. Credentials redact
// themselves (package auth gives each a redacted String, Format, LogValue
// and MarshalJSON); this package only decides what of an unknown value may
// be shown.
package redact

import (
	"fmt"
	"net/url"
)

// Credential prints a credential through its own String method when it has
// one (every credential of package auth does, redacted), and by type alone
// otherwise, so an unknown credential type cannot leak its fields.
func Credential(c any) string {
	switch v := c.(type) {
	case nil:
		return "<nil>"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprintf("%T", c)
}

// URL is raw without what may carry a secret: user information
// (user:password@, shown as "redacted@"), the query (a token in a query
// string) and the fragment. "" stays "", and an unparsable URL is not shown
// at all, since any part of it may be the secret.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	u.RawQuery, u.ForceQuery = "", false
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
