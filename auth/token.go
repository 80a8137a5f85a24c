package auth

import "net/http"

// tokenHeader is the header an IoTDA (IAM) token is sent in.
const tokenHeader = "X-Auth-Token"

// Token authenticates IoTDA requests with an IAM token sent as
// X-Auth-Token. It is not refreshed (tokens last 24 hours): for longer
// programs use AKSK or IAMPassword. An empty tok is refused.
func Token(tok string) Credential {
	c := &tokenCredential{base{desc: "auth.Token{Token: " + secret(tok) + "}"}, hide(tok)}
	switch {
	case tok == "":
		c.invalid = missing("auth.Token", "the token is empty")
	case !headerSafe(tok):
		c.invalid = missing("auth.Token", "the token contains control characters")
	}
	return c
}

// tokenCredential is a pointer type so that, nested where fmt cannot call
// its methods, it prints as an address.
type tokenCredential struct {
	base
	token hidden
}

// Apply sets X-Auth-Token.
func (c *tokenCredential) Apply(req *http.Request, _ []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	req.Header.Set(tokenHeader, c.token.get())
	return nil
}

// Secrets lists what the SDK removes from every error text.
func (c *tokenCredential) Secrets() []string { return []string{c.token.get()} }
