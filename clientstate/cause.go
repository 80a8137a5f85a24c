package clientstate

import "slices"

// Cause says why a client's connection ended, in one vocabulary for every
// source of that information: the close code of a live status message, the
// disconnectedBy and reason code of a REST state. The values are the names
// AWS IoT Core gives its disconnectReason categories, so dashboards built
// for either platform read the same. Values other than the constants are
// kept as they come.
type Cause string

// The causes. The zero value, CauseNone, means there was no disconnect to
// explain.
const (
	// CauseNone: no disconnect (a client that never disconnected, or a
	// Connect event).
	CauseNone Cause = ""
	// CauseClientInitiated: the client closed its connection (MQTT
	// DISCONNECT or a normal close).
	CauseClientInitiated Cause = "CLIENT_INITIATED_DISCONNECT"
	// CauseKeepAliveTimeout: the client sent nothing within its keepalive
	// interval; usually a device that lost power or network.
	CauseKeepAliveTimeout Cause = "MQTT_KEEP_ALIVE_TIMEOUT"
	// CauseConnectionLost: the network connection broke (no data, a TLS
	// handshake cut short).
	CauseConnectionLost Cause = "CONNECTION_LOST"
	// CauseDuplicateClientID: a new connection used the same client ID and
	// the platform closed the old one. The client is not offline; two
	// processes sharing an ID keep kicking each other off this way.
	CauseDuplicateClientID Cause = "DUPLICATE_CLIENTID"
	// CauseAuthError: the credentials or certificate were refused.
	CauseAuthError Cause = "AUTH_ERROR"
	// CauseThrottled: a platform limit was reached (connections of the
	// organization, capacity, authorization attempts).
	CauseThrottled Cause = "THROTTLED"
	// CauseServerInitiated: the platform closed the connection (including
	// a server shutdown).
	CauseServerInitiated Cause = "SERVER_INITIATED_DISCONNECT"
	// CauseAdminInitiated: an administrator of the organization closed the
	// connection.
	CauseAdminInitiated Cause = "API_INITIATED_DISCONNECT"
	// CauseProtocolError: the client broke the protocol (invalid data, a
	// packet or message too large, an invalid topic or client ID).
	CauseProtocolError Cause = "CLIENT_ERROR"
	// CauseServerError: the platform was not available.
	CauseServerError Cause = "SERVER_ERROR"
	// CauseUnknown: a disconnect the SDK cannot explain (an undocumented
	// close code, or no information); the raw code stays on the record.
	CauseUnknown Cause = "UNKNOWN"
)

// causes lists every cause but CauseNone, in the order summaries show them.
var causes = []Cause{
	CauseClientInitiated, CauseKeepAliveTimeout, CauseConnectionLost, CauseDuplicateClientID,
	CauseAuthError, CauseThrottled, CauseServerInitiated, CauseAdminInitiated,
	CauseProtocolError, CauseServerError, CauseUnknown,
}

// Causes returns every cause but CauseNone, in a fixed order (the order of
// the constants), for summaries that list them.
func Causes() []Cause { return append([]Cause(nil), causes...) }

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
//
// An undocumented code is CauseUnknown; the record it came from keeps the
// code itself.
func CauseOfCloseCode(code int) Cause {
	if c, ok := causeOfCode[code]; ok {
		return c
	}
	return CauseUnknown
}

// Cause maps who ended a connection to a cause, for a state that reports
// no (documented) reason code:
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
