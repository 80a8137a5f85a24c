package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
)

func errorf(method, u string, format string, args ...any) error {
	return fmt.Errorf("iotclient: %s %s: %w", method, RedactURL(u), fmt.Errorf(format, args...))
}

func (c *Client) transportError(ctx context.Context, method, u string, k *call, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return malformed(method, u, 200, "%v", tl)
	}
	var cut *cutJSONError
	if errors.As(err, &cut) && ctx.Err() == nil {
		return malformed(method, u, 200, "decoding the body (after %d attempts): %v", k.attempts, cut.err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = errors.Join(ctxErr, err)
	}
	// Unwrap net/http's *url.Error: it repeats the method and URL.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if k.attempts > 1 {
		return errorf(method, u, "%w (after %d attempts)", err, k.attempts)
	}
	return errorf(method, u, "%w", err)
}

func malformed(method, u string, status int, format string, args ...any) error {
	e := &malformedError{method: method, url: RedactURL(u), status: status, msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err // a decoder's typed error stays reachable with errors.As
		}
	}
	return e
}

type malformedError struct {
	method, url string
	status      int
	msg         string
	err         error
}

func (e *malformedError) Unwrap() error { return e.err }

func (e *malformedError) Error() string {
	return "iotclient: " + e.method + " " + e.url + ": malformed response (status " + itoa(e.status) + "): " + e.msg
}

func (e *malformedError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

// scrubbedError is an error whose text held a secret: Error gives the text
// with the secrets replaced, Unwrap still reaches the cause for errors.Is
// and errors.As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// redactedSecret stands in for a secret removed from an error text.
const redactedSecret = "[redacted]"

// secrets lists the credential's secret values, longest first so that a
// secret containing another is replaced whole.
func (c *Client) secrets() []string {
	s, ok := c.cred.(Secreter)
	if !ok {
		return nil
	}
	return s.Secrets()
}

// scrubText replaces every secret the credential holds in s.
func (c *Client) scrubText(s string) string { return ScrubText(s, c.secrets()) }

// ScrubText replaces each of secrets (empty ones are skipped) in s.
func ScrubText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redactedSecret)
		}
	}
	return s
}

// scrub removes the credential's secrets from err before it leaves the
// SDK, should a server or a proxy have echoed one: every *APIError in its
// chain is cleaned in place, and a text that still holds a secret is
// wrapped.
func (c *Client) scrub(err error) error { return ScrubError(err, c.secrets()) }

// ScrubError is scrub with the secrets given.
func ScrubError(err error, secrets []string) error {
	if len(secrets) == 0 {
		return err
	}
	scrubAPIErrors(err, secrets, 0)
	if msg := err.Error(); ScrubText(msg, secrets) != msg {
		return &scrubbedError{msg: ScrubText(msg, secrets), err: err}
	}
	return err
}

func scrubAPIErrors(err error, secrets []string, depth int) {
	if err == nil || depth > 32 {
		return
	}
	if ae, ok := err.(*iotclient.APIError); ok {
		for _, f := range []*string{&ae.Code, &ae.Message, &ae.RequestID, &ae.URL, &ae.Method} {
			*f = ScrubText(*f, secrets)
		}
		for i := range ae.Violations {
			ae.Violations[i] = ScrubText(ae.Violations[i], secrets)
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		scrubAPIErrors(u.Unwrap(), secrets, depth+1)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			scrubAPIErrors(e, secrets, depth+1)
		}
	}
}
