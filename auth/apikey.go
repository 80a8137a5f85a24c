package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// APIKey authenticates IBM Watson IoT Platform requests with an application
// API key and its authentication token, sent as HTTP Basic credentials (user
// = key, password = token). Apply fails, naming the missing part, when
// either is empty, and refuses a key containing ':', which Basic
// authentication cannot carry in its user name.
func APIKey(key, token string) Credential {
	return &apiKeyCredential{key: hide(key), token: hide(token)}
}

// OrgFromAPIKey returns the organization ID embedded in an API key of the
// form a-{org}-{random}: the six lowercase letters and digits of its second
// part. ok is false for any other form; callers can then name the
// organization explicitly.
func OrgFromAPIKey(key string) (org string, ok bool) {
	parts := strings.SplitN(key, "-", 3)
	if len(parts) != 3 || parts[0] != "a" || parts[2] == "" || len(parts[1]) != 6 {
		return "", false
	}
	for _, c := range []byte(parts[1]) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return "", false
		}
	}
	return parts[1], true
}

// apiKeyCredential is a pointer type for the reason given on tokenCredential.
type apiKeyCredential struct {
	key, token hidden
}

// Validate reports an empty key or token, or a key Basic auth cannot carry.
func (c *apiKeyCredential) Validate() error {
	switch {
	case c.key.get() == "":
		return missing("auth.APIKey key", "the API key is empty")
	case c.token.get() == "":
		return missing("auth.APIKey token", "the authentication token is empty")
	case strings.Contains(c.key.get(), ":"):
		return missing("auth.APIKey key", "the API key contains ':', which HTTP Basic authentication cannot send")
	}
	return nil
}

// Apply sets the Authorization header to HTTP Basic with key and token.
func (c *apiKeyCredential) Apply(req *http.Request, _ []byte) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.SetBasicAuth(c.key.get(), c.token.get())
	return nil
}

// Secrets lists the token, the key and the Basic payload
// base64(key:token), which the SDK removes from every error text.
func (c *apiKeyCredential) Secrets() []string {
	return []string{base64.StdEncoding.EncodeToString([]byte(c.key.get() + ":" + c.token.get())), c.token.get(), c.key.get()}
}

// String shows the key abbreviated (with its organization when it has one)
// and never the token.
func (c *apiKeyCredential) String() string {
	return fmt.Sprintf("auth.APIKey{Key: %q, Token: %s}", c.abbreviatedKey(), secret(c.token.get()))
}

func (c *apiKeyCredential) abbreviatedKey() string {
	if org, ok := OrgFromAPIKey(c.key.get()); ok {
		// The organization is the useful part when reading logs.
		return "a-" + org + "-" + abbreviate(c.key.get()[len("a-"+org+"-"):])
	}
	return abbreviate(c.key.get())
}

// GoString is String: the Go syntax form must not show the token either.
func (c *apiKeyCredential) GoString() string { return c.String() }

// Format prints the redacted form for every verb.
func (c *apiKeyCredential) Format(f fmt.State, verb rune) { format(f, verb, c.String(), c.GoString()) }

// LogValue logs the redacted form.
func (c *apiKeyCredential) LogValue() slog.Value { return logValue(c.String()) }

// MarshalJSON encodes the redacted form.
func (c *apiKeyCredential) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }
