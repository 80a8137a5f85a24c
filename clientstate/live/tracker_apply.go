package live

import "github.com/iotclient/iotclient-go/clientstate"

// The merge rules, on the compact records. The tracker's lock is held.
//
// Status and Since are newest-wins by Updated. The last close code, reason
// and cause follow the newest Disconnect by time, and LastFailedConnect is
// the newest FailedConnect, whatever order the events arrive in; every
// Disconnect is recorded once in the client's history. So a stream with
// late and repeated events ends in the same state, with the same
// disconnect counts, as the same events delivered once, in order.

// load merges one state of the REST snapshot: it replaces what the tracker
// knows unless an event already told something newer, and its last
// connect and disconnect join the client's history.
func (s *store) load(st *clientstate.State) {
	r := s.record(st.ClientID)
	updated := max(nanos(st.LastConnected), nanos(st.LastDisconnected))
	if at := nanos(st.LastDisconnected); at != 0 {
		code := int32(codeUnknown) // who disconnected it, but no code
		if st.HasDisconnectReasonCode || st.DisconnectReasonCode != 0 {
			code = int32(st.DisconnectReasonCode)
		}
		cause := causeIndex(st.Cause())
		if last, ok := lastDisconnect(r.hist); !ok || at > last.at {
			r.code, r.reason, r.cause = int32(st.DisconnectReasonCode), 0, cause
		}
		s.addChange(r, change{at: at, code: code, cause: cause})
	} else if _, ok := lastDisconnect(r.hist); !ok {
		r.code, r.cause = int32(st.DisconnectReasonCode), causeIndex(st.Cause())
	}
	if at := nanos(st.LastConnected); at != 0 && st.Status == clientstate.StatusConnected {
		s.addChange(r, change{at: at, code: codeConnect})
	}
	if r.updated > updated {
		return // an event already told more
	}
	r.status = s.statuses.id(string(st.Status))
	switch st.Status {
	case clientstate.StatusConnected:
		r.since = nanos(st.LastConnected)
	case clientstate.StatusDisconnected:
		r.since = nanos(st.LastDisconnected)
	default:
		r.since = 0
	}
	r.updated = updated
	r.live = false
}

// apply merges one event; it reports whether the event was news for the
// client's status (not older than what the tracker knew).
func (s *store) apply(ev *Event) bool {
	r := s.recordOf(ev.ClientID)
	s.newest = max(s.newest, nanos(ev.Time))
	applied := s.applyStatus(r, ev)
	if r.status == statusConnectedID && r.hist != nil {
		r.since = connectedSince(r.hist, r.updated, r.since)
	}
	return applied
}

// applyStatus records the event in the history and merges it into the
// status, newest wins.
func (s *store) applyStatus(r *clientRec, ev *Event) bool {
	at := nanos(ev.Time)
	switch ev.Action {
	case ActionConnect:
		s.addChange(r, change{at: at, code: codeConnect})
	case ActionDisconnect:
		cause := causeIndex(ev.Cause())
		if last, ok := lastDisconnect(r.hist); !ok || at >= last.at {
			r.code, r.cause = int32(ev.CloseCode), cause
			r.reason = s.reasons.id(ev.Reason)
		}
		s.addChange(r, change{at: at, code: int32(ev.CloseCode), cause: cause})
	case ActionFailedConnect:
		r.failed = max(r.failed, at)
	}
	if at < r.updated {
		return false
	}
	switch ev.Action {
	case ActionConnect:
		r.status, r.since = statusConnectedID, at
	case ActionDisconnect:
		switch {
		case !ev.ClientIDReused():
			r.status, r.since = statusDisconnectedID, at
		case r.status != statusConnectedID && at > r.updated:
			// A new connection took the client ID over: a client with
			// this ID is connected (its own Connect may have been
			// published first, leaving this as the retained state).
			r.status, r.since = statusConnectedID, at
		}
	case ActionFailedConnect:
		// A failed attempt says nothing of an open connection, and an
		// older event may still come: leave Updated alone.
		r.live = true
		return true
	default:
		return false // an action the SDK does not know changes nothing
	}
	r.updated = at
	r.live = true
	return true
}

// connectedSince is when a connected client's connection began, from its
// history: the oldest connect or client-ID reuse after its last real
// disconnect (up to updated). Late events may fill the history in any
// order; this reads the same once they are all in. When the history holds
// no such disconnect (it was dropped, or never seen), since counts too.
func connectedSince(hist []change, updated, since int64) int64 {
	found := int64(0)
	for i := len(hist) - 1; i >= 0; i-- {
		c := hist[i]
		switch {
		case c.at > updated:
			continue
		case c.code == codeConnect || c.code == CloseClientIDReused:
			found = c.at
			continue
		case found == 0:
			return since // the newest is a real disconnect
		}
		return found
	}
	if found == 0 || since != 0 && since < found {
		return since
	}
	return found
}
