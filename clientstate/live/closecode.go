package live

import "strconv"

// Close codes of the platform that programs commonly branch on; see
// CloseCodeText for the full documented list. Use the code, never the
// Reason text, for logic.
const (
	CloseNormal           = 0   // the connection completed normally
	CloseByClient         = 91  // closed by the client
	CloseByServer         = 92  // closed by the server
	CloseServerShutdown   = 93  // the server shut down
	CloseByAdministrator  = 94  // closed by an administrator
	CloseKeepaliveTimeout = 160 // no keepalive within the expected time
	CloseNotAuthorized    = 180 // the client is not authorized
	CloseClientIDReused   = 288 // a new connection reused the client ID: not offline
)

var closeCodeText = map[int]string{
	0:   "normal",
	91:  "closed by client",
	92:  "closed by server",
	93:  "server shutdown",
	94:  "closed by administrator",
	104: "capacity reached",
	105: "invalid data",
	154: "too many producers or consumers",
	160: "timed out (keepalive)",
	163: "closed during TLS handshake",
	164: "no data received",
	165: "initial packet too large",
	166: "client ID not valid",
	167: "server not available",
	169: "certificate missing",
	170: "certificate not valid",
	173: "too many connections for the organization",
	175: "authorization header changed",
	176: "authorization delayed or too many attempts",
	180: "not authorized",
	271: "bad message length",
	276: "topic not valid",
	287: "message too large",
	288: "client ID reused",
}

// CloseCodeText describes a close code of the platform in a few words,
// such as "timed out (keepalive)" for 160, or returns "close code N" for a
// code the platform does not document.
func CloseCodeText(code int) string {
	if t, ok := closeCodeText[code]; ok {
		return t
	}
	return "close code " + strconv.Itoa(code)
}
