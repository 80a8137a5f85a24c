package core

import (
	"net/http"
	"strings"
	"unicode/utf8"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// errorBody is the union of both platforms' error bodies: IoTDA and its API
// gateway send error_code/error_msg (and request_id); IBM sends message,
// exception.id and, with a 400, violations.
type errorBody struct {
	ErrorCode  string       `json:"error_code"`
	ErrorMsg   string       `json:"error_msg"`
	RequestID  string       `json:"request_id"`
	Message    string       `json:"message"`
	Exception  *ibmExc      `json:"exception"`
	Violations []ibmProblem `json:"violations"`
	// Error is IAM's Keystone form {"error":{"code","message","title"}}.
	Error jsontext.Value `json:"error"`
}

// keystoneError is errorBody.Error; its code is a number.
type keystoneError struct {
	Code    jsontext.Value `json:"code"`
	Message string         `json:"message"`
}

type ibmExc struct {
	ID string `json:"id"`
}

type ibmProblem struct {
	Message   string  `json:"message"`
	Exception *ibmExc `json:"exception"`
}

func newAPIError(resp *http.Response, method, u string, body []byte, attempts int) *iotclient.APIError {
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
		e.Code, e.Message = eb.ErrorCode, eb.ErrorMsg
		if e.Message == "" {
			e.Message = eb.Message
		}
		if e.Code == "" && eb.Exception != nil {
			e.Code = eb.Exception.ID
		}
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
		var ke keystoneError
		if len(eb.Error) > 0 && json.Unmarshal(eb.Error, &ke) == nil {
			if e.Code == "" {
				e.Code = strings.Trim(string(ke.Code), `"`)
			}
			if e.Message == "" {
				e.Message = ke.Message
			}
		}
		for _, v := range eb.Violations {
			s := v.Message
			if v.Exception != nil && v.Exception.ID != "" && !strings.HasPrefix(s, v.Exception.ID) {
				s = v.Exception.ID + ": " + s
			}
			e.Violations = append(e.Violations, s)
		}
	} else if len(body) > 0 {
		e.Message = snippet(body)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

// snippet is the start of a non-JSON error body (a proxy's HTML page) on
// one line.
func snippet(b []byte) string {
	const max = 200
	s := string(b)
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.Join(strings.Fields(s), " ")
}
