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
// credential, reading the body to sign): repeating it cannot help.
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
	e := &textError{malformed: true, msg: fmt.Sprintf("iotclient: %s %s: malformed response (status %d): %s",
		method, redact.URL(u), status, fmt.Sprintf(format, args...))}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err
		}
	}
	return e
}

// textError is an error with its own text over a cause: a malformed
// response, or an error whose text had a secret scrubbed from it.
type textError struct {
	msg       string
	err       error
	malformed bool
}

func (e *textError) Error() string { return e.msg }
func (e *textError) Unwrap() error { return e.err }
func (e *textError) Is(target error) bool {
	return e.malformed && target == iotclient.ErrMalformedResponse
}

func (c *Client) secrets() []string {
	if s, ok := c.cred.(interface{ Secrets() []string }); ok {
		return s.Secrets()
	}
	return nil
}

// scrubText replaces each of secrets in s, skipping those shorter than 4
// bytes, which would mangle ordinary text. A secret that contains another
// must come first, to be replaced whole.
func scrubText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// scrubError removes secrets a server or proxy may have echoed: the
// *APIError in err's chain is cleaned in place, and a text that still
// holds a secret is wrapped.
func scrubError(err error, secrets []string) error {
	if len(secrets) == 0 {
		return err
	}
	if ae, ok := errors.AsType[*iotclient.APIError](err); ok {
		for _, f := range []*string{&ae.Code, &ae.Message, &ae.RequestID, &ae.URL, &ae.Method} {
			*f = scrubText(*f, secrets)
		}
		for i := range ae.Violations {
			ae.Violations[i] = scrubText(ae.Violations[i], secrets)
		}
	}
	if msg := scrubText(err.Error(), secrets); msg != err.Error() {
		return &textError{msg: msg, err: err}
	}
	return err
}
