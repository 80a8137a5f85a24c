package live

import "github.com/iotclient/iotclient-go/clientstate"

// Cause says why the connection ended, for a Disconnect: the cause of its
// CloseCode (see clientstate.CauseOfCloseCode for the table; an
// undocumented code is clientstate.CauseUnknown and stays in CloseCode).
// For a FailedConnect it is why the attempt was refused, when the message
// names a close code (CauseUnknown when it does not). A Connect, or an
// action the SDK does not know, has clientstate.CauseNone.
//
// A Disconnect with close code 288 is clientstate.CauseDuplicateClientID:
// the client is not offline (see ClientIDReused).
func (e Event) Cause() clientstate.Cause {
	switch {
	case e.Action == ActionDisconnect:
		return clientstate.CauseOfCloseCode(e.CloseCode)
	case e.Action == ActionFailedConnect && e.CloseCode != 0:
		return clientstate.CauseOfCloseCode(e.CloseCode)
	case e.Action == ActionFailedConnect:
		return clientstate.CauseUnknown
	}
	return clientstate.CauseNone
}
