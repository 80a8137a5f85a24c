// Package auth holds the ways a request proves who sends it: an IoTDA
// X-Auth-Token, Huawei AK/SK request signing (SDK-HMAC-SHA256 and the derived
// V11-HMAC-SHA256 used by instance endpoints), and the IBM Watson IoT API key
// and token sent as HTTP Basic credentials.
//
// A Credential is applied by the SDK on every attempt of a request, after
// every other header is set, so a retried request is signed again with a
// fresh date. Credentials never print their secrets: String, GoString and
// fmt's %v, %+v and %#v all show redacted values.
package auth

import "net/http"

// Credential authenticates one attempt of an HTTP request.
//
// Apply is called once per attempt, after every other header has been set,
// with body holding the exact bytes that will be sent (nil when there is no
// body). It must be safe for concurrent use.
type Credential interface {
	Apply(req *http.Request, body []byte) error
}
