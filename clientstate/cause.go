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

// causeOfCode is the table CauseOfCloseCode documents.
var causeOfCode = map[int]Cause{
	0: CauseClientInitiated, 91: CauseClientInitiated,
	92: CauseServerInitiated, 93: CauseServerInitiated,
	94:  CauseAdminInitiated,
	104: CauseThrottled, 154: CauseThrottled, 173: CauseThrottled, 176: CauseThrottled,
	105: CauseProtocolError, 165: CauseProtocolError, 166: CauseProtocolError,
	271: CauseProtocolError, 276: CauseProtocolError, 287: CauseProtocolError,
	160: CauseKeepAliveTimeout,
	163: CauseConnectionLost, 164: CauseConnectionLost,
	167: CauseServerError,
	169: CauseAuthError, 170: CauseAuthError, 175: CauseAuthError, 180: CauseAuthError,
	288: CauseDuplicateClientID,
}

// CauseOfCloseCode maps a close code of the platform (the CloseCode of a
// live status message, the disconnectReasonCode of a REST state) to its
// cause:
//
//	code  platform's meaning                          cause
//	   0  normal                                      CauseClientInitiated
//	  91  closed by client                            CauseClientInitiated
//	  92  closed by server                            CauseServerInitiated
//	  93  server shutdown                             CauseServerInitiated
//	  94  closed by administrator                     CauseAdminInitiated
//	 104  capacity reached                            CauseThrottled
//	 105  invalid data                                CauseProtocolError
//	 154  too many producers or consumers             CauseThrottled
//	 160  timed out (keepalive)                       CauseKeepAliveTimeout
//	 163  closed during TLS handshake                 CauseConnectionLost
//	 164  no data received                            CauseConnectionLost
//	 165  initial packet too large                    CauseProtocolError
//	 166  client ID not valid                         CauseProtocolError
//	 167  server not available                        CauseServerError
//	 169  certificate missing                         CauseAuthError
//	 170  certificate not valid                       CauseAuthError
//	 173  too many connections for the organization   CauseThrottled
//	 175  authorization header changed                CauseAuthError
//	 176  authorization delayed or too many attempts  CauseThrottled
//	 180  not authorized                              CauseAuthError
//	 271  bad message length                          CauseProtocolError
//	 276  topic not valid                             CauseProtocolError
//	 287  message too large                           CauseProtocolError
//	 288  client ID reused                            CauseDuplicateClientID
//	 any other code                                   CauseUnknown
func CauseOfCloseCode(code int) Cause {
	if c, ok := causeOfCode[code]; ok {
		return c
	}
	return CauseUnknown
}

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
