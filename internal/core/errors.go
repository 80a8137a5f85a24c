package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/redact"
)

func errorf(method, u string, format string, args ...any) error {
	return fmt.Errorf("iotclient: %s %s: %w", method, redact.URL(u), fmt.Errorf(format, args...))
}

// bodyReadError is a response cut short: worth retrying for a read.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// cutJSONError is a 2xx body whose JSON ended early: worth retrying for a
// read.
type cutJSONError struct{ err error }

func (e *cutJSONError) Error() string { return "the JSON body ends early: " + e.err.Error() }
func (e *cutJSONError) Unwrap() error { return e.err }

// tooLargeError is a body over the size cap: not worth retrying.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	n, unit := e.limit, "bytes"
	for _, u := range []string{"KiB", "MiB"} {
		if n%1024 != 0 {
			break
		}
		n, unit = n/1024, u
	}
	return "response body exceeds the " + strconv.FormatInt(n, 10) + " " + unit + " limit (iotclient.WithMaxResponseSize)"
}

// permanentError is a failure of the SDK's own per-attempt work (applying a
// credential, waiting for the rate limiter): repeating it cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func (c *Client) transportError(ctx context.Context, k *call, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return malformed(k.method, k.u, 200, "%v", tl)
	}
	var cut *cutJSONError
	if errors.As(err, &cut) && ctx.Err() == nil {
		return malformed(k.method, k.u, 200, "decoding the body (after %d attempts): %v", k.attempts, cut.err)
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
		return errorf(k.method, k.u, "%w (after %d attempts)", err, k.attempts)
	}
	return errorf(k.method, k.u, "%w", err)
}

// malformed is an error matching iotclient.ErrMalformedResponse; a
// decoder's typed error among args stays reachable with errors.As.
func malformed(method, u string, status int, format string, args ...any) error {
	e := &malformedError{msg: fmt.Sprintf("iotclient: %s %s: malformed response (status %d): %s",
		method, redact.URL(u), status, fmt.Sprintf(format, args...))}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err
		}
	}
	return e
}

type malformedError struct {
	msg string
	err error
}

func (e *malformedError) Error() string        { return e.msg }
func (e *malformedError) Unwrap() error        { return e.err }
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

// secrets lists the credential's secret values.
func (c *Client) secrets() []string {
	if s, ok := c.cred.(Secreter); ok {
		return s.Secrets()
	}
	return nil
}

// scrubText replaces each of secrets in s (those shorter than 4 bytes are
// skipped: they would mangle ordinary text). A caller lists a secret that
// contains another first, so that it is replaced whole.
func scrubText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// scrubError removes secrets from err before it leaves the SDK, should a
// server or a proxy have echoed one: every *APIError in its chain is
// cleaned in place, and a text that still holds a secret is wrapped.
func scrubError(err error, secrets []string) error {
	if len(secrets) == 0 {
		return err
	}
	scrubAPIErrors(err, secrets, 0)
	if msg := scrubText(err.Error(), secrets); msg != err.Error() {
		return &scrubbedError{msg: msg, err: err}
	}
	return err
}

func scrubAPIErrors(err error, secrets []string, depth int) {
	if err == nil || depth > 32 {
		return
	}
	if ae, ok := err.(*iotclient.APIError); ok {
		for _, f := range []*string{&ae.Code, &ae.Message, &ae.RequestID, &ae.URL, &ae.Method} {
			*f = scrubText(*f, secrets)
		}
		for i := range ae.Violations {
			ae.Violations[i] = scrubText(ae.Violations[i], secrets)
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
