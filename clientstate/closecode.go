package clientstate

import (
	"cmp"
	"slices"
)

// CloseCode is one close code of the platform: the CloseCode of a live
// status message, the disconnectReasonCode of a REST state.
type CloseCode struct {
	Code  int
	Text  string // the platform's meaning in a few words, such as "timed out (keepalive)"
	Cause Cause
	// Offline reports whether a disconnect with this code leaves the client
	// offline. Only 288 does not: a new connection took over the client ID.
	Offline bool
}

// closeCodes is the platform's close-code table, the one place its facts
// are written; LookupCloseCode, CauseOfCloseCode, live.CloseCodeText and
// the tracker all read it.
var closeCodes = []CloseCode{
	{0, "normal", CauseClientInitiated, true},
	{91, "closed by client", CauseClientInitiated, true},
	{92, "closed by server", CauseServerInitiated, true},
	{93, "server shutdown", CauseServerInitiated, true},
	{94, "closed by administrator", CauseAdminInitiated, true},
	{104, "capacity reached", CauseThrottled, true},
	{105, "invalid data", CauseProtocolError, true},
	{154, "too many producers or consumers", CauseThrottled, true},
	{160, "timed out (keepalive)", CauseKeepAliveTimeout, true},
	{163, "closed during TLS handshake", CauseConnectionLost, true},
	{164, "no data received", CauseConnectionLost, true},
	{165, "initial packet too large", CauseProtocolError, true},
	{166, "client ID not valid", CauseProtocolError, true},
	{167, "server not available", CauseServerError, true},
	{169, "certificate missing", CauseAuthError, true},
	{170, "certificate not valid", CauseAuthError, true},
	{173, "too many connections for the organization", CauseThrottled, true},
	{175, "authorization header changed", CauseAuthError, true},
	{176, "authorization delayed or too many attempts", CauseThrottled, true},
	{180, "not authorized", CauseAuthError, true},
	{271, "bad message length", CauseProtocolError, true},
	{276, "topic not valid", CauseProtocolError, true},
	{287, "message too large", CauseProtocolError, true},
	{288, "client ID reused", CauseDuplicateClientID, false},
}

// CloseCodes returns the platform's documented close codes in ascending
// order, each with its meaning, its cause and whether it leaves the client
// offline.
func CloseCodes() []CloseCode { return slices.Clone(closeCodes) }

// LookupCloseCode returns the documented close code code and true; for any
// other code, no Text, CauseUnknown, Offline set (an unexplained disconnect
// is taken as one), and false.
func LookupCloseCode(code int) (CloseCode, bool) {
	if i, ok := slices.BinarySearchFunc(closeCodes, code, func(c CloseCode, code int) int { return cmp.Compare(c.Code, code) }); ok {
		return closeCodes[i], true
	}
	return CloseCode{Code: code, Cause: CauseUnknown, Offline: true}, false
}

// CauseOfCloseCode maps a close code to its cause (see CloseCodes), and any
// undocumented code to CauseUnknown.
func CauseOfCloseCode(code int) Cause {
	c, _ := LookupCloseCode(code)
	return c.Cause
}
