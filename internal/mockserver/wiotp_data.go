package mockserver

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
)

// Connection statuses of a client.
const (
	Connected    = "connected"
	Disconnected = "disconnected"
)

// Client types, derived from the client ID's first part (d, g, a or A).
const (
	ClientTypeDevice      = "device"
	ClientTypeGateway     = "gateway"
	ClientTypeApplication = "application"
)

// IBMTimeLayout is how the fake writes IBM times: RFC 3339 UTC with
// milliseconds.
const IBMTimeLayout = "2006-01-02T15:04:05.000Z"

// ClientState is one client's connection state as the fake stores it.
// Times are UTC truncated to the millisecond (the wire precision).
//
// On the wire it is an object with id, clientType, connectionStatus,
// lastConnectTime, lastDisconnectTime, lastActivityTime, lastActivityEvent,
// mqttConnectProtocol, disconnectedBy, disconnectReasonCode (the last two
// names are unconfirmed on the real platform); zero times, empty strings and
// a zero reason code are omitted. Extra's keys are merged into the object
// (sorted, after the known fields; a key equal to a known field is dropped).
type ClientState struct {
	ClientID             string // id: d:org:type:dev, g:org:type:dev, a:org:app, A:org:app[:inst]
	ClientType           string // clientType (device, gateway, application)
	ConnectionStatus     string // connectionStatus (connected, disconnected)
	LastConnect          time.Time
	LastDisconnect       time.Time
	LastActivity         time.Time
	LastActivityEvent    string // mqttPublish, mqttSubscribe, ...
	Protocol             string // mqttConnectProtocol, e.g. 3.1.1
	DisconnectedBy       string // client, server or network
	DisconnectReasonCode int    // MQTT close code of the disconnect
	Extra                map[string]any
}

func (c ClientState) clone() ClientState {
	c.Extra = maps.Clone(c.Extra)
	return c
}

var knownClientFields = map[string]bool{
	"id": true, "clientType": true, "connectionStatus": true, "lastConnectTime": true,
	"lastDisconnectTime": true, "lastActivityTime": true, "lastActivityEvent": true,
	"mqttConnectProtocol": true, "disconnectedBy": true, "disconnectReasonCode": true,
}

// appendClientJSON writes c's wire object to b.
func appendClientJSON(b *bytes.Buffer, c *ClientState) {
	b.WriteByte('{')
	first := true
	str := func(k, v string) {
		if v == "" {
			return
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
		q, _ := json.Marshal(v)
		b.Write(q)
	}
	str("id", c.ClientID)
	str("clientType", c.ClientType)
	str("connectionStatus", c.ConnectionStatus)
	str("lastConnectTime", ibmTime(c.LastConnect))
	str("lastDisconnectTime", ibmTime(c.LastDisconnect))
	str("lastActivityTime", ibmTime(c.LastActivity))
	str("lastActivityEvent", c.LastActivityEvent)
	str("mqttConnectProtocol", c.Protocol)
	str("disconnectedBy", c.DisconnectedBy)
	if c.DisconnectReasonCode != 0 {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(`"disconnectReasonCode":`)
		b.WriteString(strconv.Itoa(c.DisconnectReasonCode))
	}
	for _, k := range slices.Sorted(maps.Keys(c.Extra)) {
		if knownClientFields[k] {
			continue
		}
		v, err := json.Marshal(c.Extra[k], json.Deterministic(true))
		if err != nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		kq, _ := json.Marshal(k)
		b.Write(kq)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
}

func ibmTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(IBMTimeLayout)
}

func milliUTC(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// clientTypeOf derives the client type from the ID's first part.
func clientTypeOf(id string) string {
	switch {
	case strings.HasPrefix(id, "d:"):
		return ClientTypeDevice
	case strings.HasPrefix(id, "g:"):
		return ClientTypeGateway
	case strings.HasPrefix(id, "a:"), strings.HasPrefix(id, "A:"):
		return ClientTypeApplication
	}
	return ""
}

// deviceParts returns the type and device ID of a d: or g: client ID.
func deviceParts(id string) (typeID, deviceID string, ok bool) {
	if !strings.HasPrefix(id, "d:") && !strings.HasPrefix(id, "g:") {
		return "", "", false
	}
	parts := strings.Split(id, ":")
	if len(parts) != 4 {
		return "", "", false
	}
	return parts[2], parts[3], true
}

// LogEntry is one connection log entry of a device.
type LogEntry struct {
	Time    time.Time
	Message string
}

type logKey struct{ typeID, deviceID string }

type wiotpState struct {
	clients  map[string]*ClientState
	byID     []*ClientState // ascending ClientID: the default order
	version  uint64         // bumped by every change to clients
	disabled bool           // client-state feature off
	logs     map[logKey][]LogEntry
	// honorLogLimit makes GET /logs/connection apply limit; by default it
	// is ignored, as the real API may ignore it.
	honorLogLimit bool
}

func (st *wiotpState) init() {
	st.clients = make(map[string]*ClientState)
	st.logs = make(map[logKey][]LogEntry)
}

// putLocked stores c, replacing a client with the same ID.
func (st *wiotpState) putLocked(c ClientState) {
	st.version++
	if old := st.clients[c.ClientID]; old != nil {
		*old = c
		return
	}
	p := &c
	st.clients[c.ClientID] = p
	i, _ := slices.BinarySearchFunc(st.byID, c.ClientID, func(e *ClientState, id string) int { return strings.Compare(e.ClientID, id) })
	st.byID = slices.Insert(st.byID, i, p)
}

func normalizeClient(c ClientState) ClientState {
	c = c.clone()
	if c.ClientType == "" {
		c.ClientType = clientTypeOf(c.ClientID)
	}
	c.LastConnect = milliUTC(c.LastConnect)
	c.LastDisconnect = milliUTC(c.LastDisconnect)
	c.LastActivity = milliUTC(c.LastActivity)
	return c
}

// AddClients stores client states, replacing those with the same ClientID.
// An empty ClientType is derived from the ID (d: device, g: gateway, a: and
// A: application); times are truncated to the millisecond.
func (s *Server) AddClients(clients ...ClientState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addClientsLocked(clients)
}

func (s *Server) addClientsLocked(clients []ClientState) {
	if len(s.wiotp.byID) == 0 && len(clients) > 16 {
		// Bulk load: one sort instead of one insert per client.
		for _, c := range clients {
			c = normalizeClient(c)
			if old := s.wiotp.clients[c.ClientID]; old != nil {
				*old = c
				continue
			}
			p := &c
			s.wiotp.clients[c.ClientID] = p
			s.wiotp.byID = append(s.wiotp.byID, p)
		}
		slices.SortFunc(s.wiotp.byID, func(a, b *ClientState) int { return strings.Compare(a.ClientID, b.ClientID) })
		s.wiotp.version++
		return
	}
	for _, c := range clients {
		s.wiotp.putLocked(normalizeClient(c))
	}
}

// Clients returns a copy of every client state in the server's default
// order: ascending ClientID (byte order).
func (s *Server) Clients() []ClientState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ClientState, len(s.wiotp.byID))
	for i, c := range s.wiotp.byID {
		out[i] = c.clone()
	}
	return out
}

// Client returns one client state.
func (s *Server) Client(clientID string) (ClientState, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.wiotp.clients[clientID]
	if c == nil {
		return ClientState{}, false
	}
	return c.clone(), true
}

// SetClientStatus records a connect or disconnect of a stored client at
// time at. Connected sets lastConnectTime and lastActivityTime to at,
// lastActivityEvent to mqttConnect and clears disconnectedBy and the reason
// code. Disconnected sets lastDisconnectTime to at and, when absent,
// disconnectedBy to client. It fails for an unknown client or status.
func (s *Server) SetClientStatus(clientID, status string, at time.Time) error {
	if status != Connected && status != Disconnected {
		return fmt.Errorf("mockserver: unknown connection status %q (want %s or %s)", status, Connected, Disconnected)
	}
	at = milliUTC(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.wiotp.clients[clientID]
	if c == nil {
		return fmt.Errorf("mockserver: client %q does not exist", clientID)
	}
	s.wiotp.version++
	c.ConnectionStatus = status
	if status == Connected {
		c.LastConnect, c.LastActivity, c.LastActivityEvent = at, at, "mqttConnect"
		c.DisconnectedBy, c.DisconnectReasonCode = "", 0
		return nil
	}
	c.LastDisconnect = at
	if c.DisconnectedBy == "" {
		c.DisconnectedBy = "client"
	}
	return nil
}

// SetClientStateEnabled switches the client connection state feature on or
// off. While off, GET /clientconnectionstates,
// GET /clientconnectionstates/{id} and GET /config/clientstate answer 403
// with ExceptionFeatureDisabled.
// Unlike PUT /config/clientstate {"enabled":false}, which deletes the stored
// states as the platform does, this test hook keeps them.
func (s *Server) SetClientStateEnabled(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wiotp.disabled = !enabled
}

// HonorConnectionLogLimit makes GET /logs/connection validate and apply its
// limit parameter (1-20, default 20) when on. By default the fake ignores
// limit and answers every matching entry at once, as the real API may.
func (s *Server) HonorConnectionLogLimit(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wiotp.honorLogLimit = on
}

// AddConnectionLogs adds connection log entries for a device (registering
// the device for GET /logs/connection even with no entries). Entries are
// kept newest first; times are truncated to the millisecond.
func (s *Server) AddConnectionLogs(typeID, deviceID string, entries ...LogEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := logKey{typeID, deviceID}
	logs := s.wiotp.logs[k]
	for _, e := range entries {
		e.Time = milliUTC(e.Time)
		logs = append(logs, e)
	}
	slices.SortStableFunc(logs, func(a, b LogEntry) int { return b.Time.Compare(a.Time) })
	if logs == nil {
		logs = []LogEntry{}
	}
	s.wiotp.logs[k] = logs
}

// ConnectionLogs returns a copy of a device's connection logs, newest first.
func (s *Server) ConnectionLogs(typeID, deviceID string) []LogEntry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.wiotp.logs[logKey{typeID, deviceID}])
}
