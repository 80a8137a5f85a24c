package core

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
	e := &textError{msg: fmt.Sprintf("iotclient: %s %s: malformed response (status %d): %s",
		method, redact.URL(u), status, fmt.Sprintf(format, args...))}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.err = err
		}
	}
	return e
}

// textError is a malformed response's error: its own text over the
// decoder's error.
type textError struct {
	msg string
	err error
}

func (e *textError) Error() string        { return e.msg }
func (e *textError) Unwrap() error        { return e.err }
func (e *textError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

func (c *Client) secrets() []string {
	if s, ok := c.cred.(interface{ Secrets() []string }); ok {
		return s.Secrets()
	}
	return nil
}

// Scrub returns err without the credential's secrets (see scrubError). The
// platform packages apply it to every error they return, so values a
// server echoed into a message built after Do (a request ID, a command ID,
// a marker, a status) are scrubbed with the list Do uses.
func (c *Client) Scrub(err error) error {
	if err == nil {
		return nil
	}
	return scrubError(err, c.secrets())
}

// ScrubSeq is seq with every error it yields scrubbed (see Scrub).
func ScrubSeq[T any](c *Client, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if err != nil {
				err = c.Scrub(err)
			}
			if !yield(v, err) {
				return
			}
		}
	}
}

// ScrubText returns s without the credential's secrets, in any of the
// forms redact.Forms lists.
func (c *Client) ScrubText(s string) string { return redact.Secrets(s, c.secrets()) }

// scrubError removes secrets a server or proxy may have echoed. The
// *APIError in err's chain is cleaned in place. When any error in the
// chain still holds a secret (in its text, or in a decoder error's value),
// the result is a new error with the scrubbed text that does not wrap the
// original: errors.Unwrap and errors.As reach only the cleaned *APIError
// and *iotclient.ValidationError, while errors.Is still answers for the
// original chain (the SDK's sentinels, context errors, ...).
func scrubError(err error, secrets []string) error {
	forms := redact.Forms(secrets)
	if len(forms) == 0 {
		return err
	}
	if ae, ok := errors.AsType[*iotclient.APIError](err); ok {
		for _, f := range []*string{&ae.Code, &ae.Message, &ae.RequestID, &ae.URL, &ae.Method} {
			*f = redact.Secrets(*f, secrets)
		}
		for i := range ae.Violations {
			ae.Violations[i] = redact.Secrets(ae.Violations[i], secrets)
		}
	}
	if !leaks(err, forms) {
		return err
	}
	s := &scrubbedError{msg: redact.Secrets(err.Error(), secrets), is: func(target error) bool { return errors.Is(err, target) }}
	if ae, ok := errors.AsType[*iotclient.APIError](err); ok {
		s.kept = append(s.kept, ae)
	}
	if ve, ok := errors.AsType[*iotclient.ValidationError](err); ok && !containsAny(ve.Error(), forms) {
		s.kept = append(s.kept, ve)
	}
	return s
}

// leaks reports whether an error in err's tree holds one of forms: in its
// text, or in the value or pointer of a JSON decoding error (a value of
// 100 bytes or more is not in the text).
func leaks(err error, forms []string) bool {
	if err == nil {
		return false
	}
	if containsAny(err.Error(), forms) {
		return true
	}
	switch e := err.(type) {
	case *json.SemanticError:
		if containsAny(string(e.JSONValue), forms) || containsAny(string(e.JSONPointer), forms) {
			return true
		}
	case *jsontext.SyntacticError:
		if containsAny(string(e.JSONPointer), forms) {
			return true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return leaks(u.Unwrap(), forms)
	case interface{ Unwrap() []error }:
		return slices.ContainsFunc(u.Unwrap(), func(e error) bool { return leaks(e, forms) })
	}
	return false
}

func containsAny(s string, forms []string) bool {
	return slices.ContainsFunc(forms, func(f string) bool { return strings.Contains(s, f) })
}

// scrubbedError is an error whose text had a secret scrubbed from it, cut
// from the chain that held the secret.
type scrubbedError struct {
	msg  string
	is   func(error) bool // errors.Is on the original chain: it answers yes or no, never with a value
	kept []error          // the cleaned *APIError and *ValidationError of the chain
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Unwrap() []error      { return e.kept }
func (e *scrubbedError) Is(target error) bool { return e.is(target) }
func (e *scrubbedError) GoString() string     { return e.msg }
