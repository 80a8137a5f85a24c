// Package redact renders configuration values for String methods, errors
// and logs without the secrets they may hold.
package redact

import (
	"fmt"
	"net/url"

	"github.com/iotclient/iotclient-go/auth"
)

// Credential prints a credential through its own String method when it has
// one (every credential of package auth does, redacted), and by type alone
// otherwise, so an unknown credential type cannot leak its fields.
func Credential(c auth.Credential) string {
	switch v := c.(type) {
	case nil:
		return "<nil>"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprintf("%T", c)
}

// URL replaces user information (user:password@) in a URL with
// "redacted"; "" stays "".
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
	return u.String()
}
