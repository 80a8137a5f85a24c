package auth

import "net/http"

// TokenHeader is the header an IoTDA (IAM) token is sent in.
const TokenHeader = "X-Auth-Token"

// Token authenticates IoTDA requests with an IAM token, sent as X-Auth-Token.
// A token is valid for 24 hours and this credential does not refresh it: use
// it for short-lived programs and tests, or AKSK, which needs no refresh.
// Apply fails, naming the problem, when tok is empty.
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

// tokenCredential is a pointer type on purpose: printed as a field of an
// enclosing struct that fmt cannot call methods on (an unexported field), a
// pointer prints as an address, never as the token.
type tokenCredential struct {
	base
	token hidden
}

// Apply sets X-Auth-Token.
func (c *tokenCredential) Apply(req *http.Request, _ []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	req.Header.Set(TokenHeader, c.token.get())
	return nil
}

// Secrets lists the token, which the SDK removes from every error text.
func (c *tokenCredential) Secrets() []string { return []string{c.token.get()} }
