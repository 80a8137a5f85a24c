package mockserver

import (
	"cmp"
	"net/http"
)

// IBM exception IDs the fake answers with. The platform's error body shape
// is documented, but these particular IDs are not (the Swagger file is no
// longer published): they are CUD-style stand-ins, so SDK logic should key on
// the HTTP status and only report the ID.
const (
	// ExceptionUnauthorized (401): missing or wrong API key / token.
	ExceptionUnauthorized = "CUDRS0001E"
	// ExceptionNotFound (404): unknown client, device or path.
	ExceptionNotFound = "CUDRS0002E"
	// ExceptionForbidden (403, injected faults).
	ExceptionForbidden = "CUDRS0003E"
	// ExceptionInvalidRequest (400): a parameter or body is invalid; the
	// body also lists violations.
	ExceptionInvalidRequest = "CUDRS0007E"
	// ExceptionFeatureDisabled (403): the client connection state API is
	// not activated (GET /config/clientstate says enabled=false). The real
	// platform's ID for this case is unconfirmed.
	ExceptionFeatureDisabled = "CUDCS0403E"
	// ExceptionMethodNotAllowed (405).
	ExceptionMethodNotAllowed = "CUDRS0405E"
	// ExceptionRateLimited (429, injected faults).
	ExceptionRateLimited = "CUDRS0429E"
	// ExceptionInternal (500 and other 5xx, injected faults).
	ExceptionInternal = "CUDRS0500E"
	// ExceptionUnavailable (503, injected faults).
	ExceptionUnavailable = "CUDRS0503E"
)

// ExceptionForStatus is the exception ID an injected IBM fault with this
// status carries unless Fault.Code overrides it.
func ExceptionForStatus(status int) string {
	return cmp.Or(ibmExceptions[status], ibmExceptions[min(status, 500)], ExceptionInvalidRequest)
}

// ibmExceptions are the exception IDs of ExceptionForStatus; 500 stands
// for every 5xx without its own.
var ibmExceptions = map[int]string{
	http.StatusBadRequest:          ExceptionInvalidRequest,
	http.StatusUnauthorized:        ExceptionUnauthorized,
	http.StatusForbidden:           ExceptionForbidden,
	http.StatusNotFound:            ExceptionNotFound,
	http.StatusTooManyRequests:     ExceptionRateLimited,
	http.StatusInternalServerError: ExceptionInternal,
	http.StatusServiceUnavailable:  ExceptionUnavailable,
}

type ibmException struct {
	ID         string   `json:"id"`
	Properties []string `json:"properties"`
}

type ibmViolation struct {
	Message   string       `json:"message"`
	Exception ibmException `json:"exception"`
}

type ibmError struct {
	Message    string         `json:"message"`
	Exception  ibmException   `json:"exception"`
	Violations []ibmViolation `json:"violations,omitempty"`
}

func newIBMError(id, msg string, props ...string) ibmError {
	if props == nil {
		props = []string{}
	}
	return ibmError{Message: id + ": " + msg, Exception: ibmException{ID: id, Properties: props}}
}

// writeIBMError answers {"message":"ID: msg","exception":{"id":ID,"properties":[]}}.
func writeIBMError(w http.ResponseWriter, status int, id, msg string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="IBM Watson IoT Platform"`)
	}
	writeJSON(w, status, newIBMError(id, msg))
}

// writeIBMInvalid answers 400 with one violation naming the parameter.
func writeIBMInvalid(w http.ResponseWriter, param, msg string) {
	e := newIBMError(ExceptionInvalidRequest, "The request is not valid: "+msg, param)
	e.Violations = []ibmViolation{{
		Message:   ExceptionInvalidRequest + ": " + msg,
		Exception: ibmException{ID: ExceptionInvalidRequest, Properties: []string{param}},
	}}
	writeJSON(w, http.StatusBadRequest, e)
}
