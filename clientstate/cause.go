package clientstate

import "slices"

// Cause says why a client's connection ended, in one vocabulary for the
// close code of a live status message and the disconnectedBy and reason
// code of a REST state. The values are AWS IoT Core's disconnectReason
// names, so dashboards built for either platform read the same. Other
// values are kept as they come.
type Cause string

// The causes. The zero value, CauseNone, means there was no disconnect.
const (
	CauseNone             Cause = ""                            // never disconnected, or a Connect event
	CauseClientInitiated  Cause = "CLIENT_INITIATED_DISCONNECT" // the client closed its connection
	CauseKeepAliveTimeout Cause = "MQTT_KEEP_ALIVE_TIMEOUT"     // silent past its keepalive: lost power or network
	CauseConnectionLost   Cause = "CONNECTION_LOST"             // the network connection broke
	// CauseDuplicateClientID: a new connection used the same client ID and
	// the platform closed the old one. The client is not offline.
	CauseDuplicateClientID Cause = "DUPLICATE_CLIENTID"
	CauseAuthError         Cause = "AUTH_ERROR"                  // credentials or certificate refused
	CauseThrottled         Cause = "THROTTLED"                   // a platform limit was reached
	CauseServerInitiated   Cause = "SERVER_INITIATED_DISCONNECT" // the platform closed it (a shutdown too)
	CauseAdminInitiated    Cause = "API_INITIATED_DISCONNECT"    // an administrator closed it
	CauseProtocolError     Cause = "CLIENT_ERROR"                // invalid data, size, topic or client ID
	CauseServerError       Cause = "SERVER_ERROR"                // the platform was not available
	CauseUnknown           Cause = "UNKNOWN"                     // unexplained; the raw code stays on the record
)

// causes lists every cause but CauseNone, in the order summaries show them.
var causes = []Cause{
	CauseClientInitiated, CauseKeepAliveTimeout, CauseConnectionLost, CauseDuplicateClientID,
	CauseAuthError, CauseThrottled, CauseServerInitiated, CauseAdminInitiated,
	CauseProtocolError, CauseServerError, CauseUnknown,
}

// Causes returns every cause but CauseNone, in the order of the constants.
func Causes() []Cause { return slices.Clone(causes) }

// Known reports whether c is one of the constants (CauseNone included).
func (c Cause) Known() bool { return c == CauseNone || slices.Contains(causes, c) }

// Cause maps who ended a connection to a cause, for a state without a
// documented reason code:
//
//	DisconnectedBy           cause
//	client                   CauseClientInitiated
//	server                   CauseServerInitiated
//	network                  CauseConnectionLost
//	"" (not reported)        CauseNone
//	any other value          CauseUnknown
func (d DisconnectedBy) Cause() Cause {
	switch d {
	case DisconnectedByClient:
		return CauseClientInitiated
	case DisconnectedByServer:
		return CauseServerInitiated
	case DisconnectedByNetwork:
		return CauseConnectionLost
	case "":
		return CauseNone
	}
	return CauseUnknown
}

// Cause says why the client's last connection ended: from a documented
// reason code (CauseOfCloseCode), else from DisconnectedBy, else
// CauseUnknown when the state shows a disconnect and CauseNone when it does
// not. It is the last disconnect's cause even while the client is connected
// again; IsConnected tells the current status.
func (s *State) Cause() Cause {
	if s.HasDisconnectReasonCode {
		if c := CauseOfCloseCode(s.DisconnectReasonCode); c != CauseUnknown {
			return c
		}
	}
	if c := s.DisconnectedBy.Cause(); c != CauseNone && c != CauseUnknown {
		return c
	}
	if s.HasDisconnectReasonCode || s.DisconnectedBy != "" || s.Status == StatusDisconnected || !s.LastDisconnected.IsZero() {
		return CauseUnknown
	}
	return CauseNone
}
