package clientstate

// Cause says why the client's last connection ended. The reason code
// decides when the platform reported a documented one (see
// CauseOfCloseCode); otherwise DisconnectedBy does (see
// DisconnectedBy.Cause). A state with neither is CauseUnknown when it
// shows a disconnect (status disconnected, or a last disconnect time) and
// CauseNone when it does not (a client that never disconnected).
//
// The cause is that of the last disconnect even while the client is
// connected again; IsConnected tells the current status. A reason code of
// 288 (CauseDuplicateClientID) does not mean the client is offline.
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
