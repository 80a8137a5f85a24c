// Package redact renders configuration values for printing without the
// secrets they may hold (credentials redact themselves).
package redact

import (
	"fmt"
	"net/url"
)

// Credential prints a credential through its String method (redacted, for
// package auth's), else by type alone, so its fields cannot leak.
func Credential(c any) string {
	switch v := c.(type) {
	case nil:
		return "<nil>"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprintf("%T", c)
}

// URL is raw without user information (shown as "redacted@"), query and
// fragment, which may carry a secret. An unparsable URL is not shown.
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
