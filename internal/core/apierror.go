package core

import (
	"cmp"
	"net/http"
	"strings"
	"unicode/utf8"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// exceptionID is IBM's {"id": ...} exception object.
type exceptionID struct {
	ID string `json:"id"`
}

// errorBody is the union of the error bodies: IoTDA and its API gateway
// (error_code, error_msg, request_id), IBM (message, exception.id and
// violations) and IAM's Keystone {"error":{"code","message","title"}}.
type errorBody struct {
	ErrorCode  string      `json:"error_code"`
	ErrorMsg   string      `json:"error_msg"`
	RequestID  string      `json:"request_id"`
	Message    string      `json:"message"`
	Exception  exceptionID `json:"exception"`
	Violations []struct {
		Message   string      `json:"message"`
		Exception exceptionID `json:"exception"`
	} `json:"violations"`
	Error jsontext.Value `json:"error"`
}

// newAPIError builds the error of a non-2xx answer; secrets are scrubbed
// from a non-JSON body before it is cut to a snippet, so a secret that
// straddles the cut cannot show its first half (Do scrubs the rest).
func newAPIError(resp *http.Response, method, u string, body []byte, attempts int, secrets []string) *iotclient.APIError {
	e := &iotclient.APIError{
		StatusCode: resp.StatusCode,
		Method:     method,
		URL:        redact.URL(u),
		RequestID:  resp.Header.Get("X-Request-Id"),
		Attempts:   attempts,
		RetryAfter: retryAfter(resp.Header),
	}
	var eb errorBody
	if len(body) > 0 && json.Unmarshal(body, &eb) == nil {
		e.Code, e.Message = cmp.Or(eb.ErrorCode, eb.Exception.ID), cmp.Or(eb.ErrorMsg, eb.Message)
		e.RequestID = cmp.Or(e.RequestID, eb.RequestID)
		var ke struct {
			Code    jsontext.Value `json:"code"` // a number
			Message string         `json:"message"`
		}
		if len(eb.Error) > 0 && json.Unmarshal(eb.Error, &ke) == nil {
			e.Code, e.Message = cmp.Or(e.Code, strings.Trim(string(ke.Code), `"`)), cmp.Or(e.Message, ke.Message)
		}
		for _, v := range eb.Violations {
			s := v.Message
			if id := v.Exception.ID; id != "" && !strings.HasPrefix(s, id) {
				s = id + ": " + s
			}
			e.Violations = append(e.Violations, s)
		}
	} else if len(body) > 0 {
		e.Message = snippet(redact.Secrets(string(body), secrets))
	}
	e.Message = cmp.Or(e.Message, http.StatusText(resp.StatusCode))
	return e
}

// snippet is the start of a non-JSON error body (a proxy's HTML page) on
// one line.
func snippet(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.Join(strings.Fields(s), " ")
}
