package auth

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// APIKey authenticates IBM Watson IoT Platform requests with an API key and
// its token as HTTP Basic credentials. Either empty, or a key containing
// ':', is refused.
func APIKey(key, token string) Credential {
	shown := abbreviate(key)
	if org, ok := OrgFromAPIKey(key); ok {
		shown = "a-" + org + "-" + abbreviate(key[len("a-"+org+"-"):])
	}
	c := &apiKeyCredential{base{desc: fmt.Sprintf("auth.APIKey{Key: %q, Token: %s}", shown, secret(token))},
		hide(key), hide(token)}
	switch {
	case key == "":
		c.invalid = missing("auth.APIKey key", "the API key is empty")
	case token == "":
		c.invalid = missing("auth.APIKey token", "the authentication token is empty")
	case strings.Contains(key, ":"):
		c.invalid = missing("auth.APIKey key", "the API key contains ':', which HTTP Basic authentication cannot send")
	}
	return c
}

var apiKeyForm = regexp.MustCompile(`(?s)^a-([a-z0-9]{6})-.`)

// OrgFromAPIKey returns the organization ID in an API key of the form
// a-{org}-{random} (six lowercase letters and digits); ok is false for any
// other form.
func OrgFromAPIKey(key string) (org string, ok bool) {
	if m := apiKeyForm.FindStringSubmatch(key); m != nil {
		return m[1], true
	}
	return "", false
}

// apiKeyCredential is a pointer type for the reason given on tokenCredential.
type apiKeyCredential struct {
	base
	key, token hidden
}

// Org returns OrgFromAPIKey of the key.
func (c *apiKeyCredential) Org() (string, bool) { return OrgFromAPIKey(c.key.get()) }

// Apply sets HTTP Basic authorization.
func (c *apiKeyCredential) Apply(req *http.Request, _ []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	req.SetBasicAuth(c.key.get(), c.token.get())
	return nil
}

// Secrets lists the Basic payload in the base64 forms a server may echo it
// in (standard, unpadded, URL-safe), the token and the key.
func (c *apiKeyCredential) Secrets() []string {
	basic := []byte(c.key.get() + ":" + c.token.get())
	return []string{
		base64.StdEncoding.EncodeToString(basic), base64.RawStdEncoding.EncodeToString(basic),
		base64.URLEncoding.EncodeToString(basic), base64.RawURLEncoding.EncodeToString(basic),
		c.token.get(), c.key.get(),
	}
}
