package mockserver

import (
	"cmp"
	"net/http"
)

// IoTDA and API-gateway error codes the fake answers with. The IOTDA.0000xx
// codes, IOTDA.014000, APIGW.0301 and APIGW.0308 are the platform's
// documented ones; codes marked "illustrative" are plausible stand-ins whose
// real value is not confirmed, so SDK logic should key on the HTTP status.
const (
	// CodeInvalidInput (400): invalid input data (bad offset, unknown
	// status, invalid device ID, deliver-body rule broken, ...).
	CodeInvalidInput = "IOTDA.000006"
	// CodeBadRequestFormat (400): the body is not JSON.
	CodeBadRequestFormat = "IOTDA.000008"
	// CodeBadTimeFormat (400): start_time or end_time is not yyyyMMdd'T'HHmmss'Z'.
	CodeBadTimeFormat = "IOTDA.000009"
	// CodeStartAfterEnd (400): start_time is after end_time.
	CodeStartAfterEnd = "IOTDA.000010"
	// CodeLimitOutOfRange (400): limit is not an integer in 1..50.
	CodeLimitOutOfRange = "IOTDA.000017"
	// CodeInvalidToken (403): the token does not grant access to the
	// project in the path (the fake answers it for a wrong project ID).
	CodeInvalidToken = "IOTDA.000004"
	// CodeDeviceNotFound (404): the device does not exist.
	CodeDeviceNotFound = "IOTDA.014000"
	// CodeCommandNotFound (404): the command does not exist (illustrative).
	CodeCommandNotFound = "IOTDA.014111"
	// CodeTooManyPending (400): the device already has 20 PENDING commands
	// (illustrative).
	CodeTooManyPending = "IOTDA.014113"
	// CodeInternal (500 and other 5xx faults): internal error (illustrative).
	CodeInternal = "IOTDA.000001"
	// CodeAuthFailed (401): missing, invalid or expired token or signature.
	CodeAuthFailed = "APIGW.0301"
	// CodeThrottled (429): the API gateway throttled the request.
	CodeThrottled = "APIGW.0308"
	// CodeAPINotFound (404, 405): no such API (unknown path or method).
	CodeAPINotFound = "APIGW.0101"
)

// iotdaError is the IoTDA / API gateway error body. request_id is set for
// gateway (APIGW.*) errors only, as on the platform.
type iotdaError struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// CodeForStatus is the error code an injected IoTDA fault with this status
// carries unless Fault.Code overrides it.
func CodeForStatus(status int) string {
	return cmp.Or(iotdaCodes[min(status, 500)], CodeInvalidInput)
}

// iotdaCodes are the error codes of CodeForStatus; 500 stands for every 5xx.
var iotdaCodes = map[int]string{
	http.StatusUnauthorized:        CodeAuthFailed,
	http.StatusForbidden:           CodeInvalidToken,
	http.StatusNotFound:            CodeDeviceNotFound,
	http.StatusTooManyRequests:     CodeThrottled,
	http.StatusInternalServerError: CodeInternal,
}

func writeIoTDAError(w http.ResponseWriter, requestID string, status int, code, msg string) {
	e := iotdaError{ErrorCode: code, ErrorMsg: msg}
	if len(code) >= 6 && code[:6] == "APIGW." {
		e.RequestID = requestID
	}
	writeJSON(w, status, e)
}

// iotdaErr is a handler-level error that becomes an IoTDA error response.
type iotdaErr struct {
	status int
	code   string
	msg    string
}

func (e *iotdaErr) Error() string { return e.code + ": " + e.msg }

func badInput(msg string) *iotdaErr {
	return &iotdaErr{http.StatusBadRequest, CodeInvalidInput, "Invalid input data. " + msg}
}

func (s *Server) writeIoTDAErr(w http.ResponseWriter, req *request, e *iotdaErr) {
	writeIoTDAError(w, req.requestID, e.status, e.code, e.msg)
}
