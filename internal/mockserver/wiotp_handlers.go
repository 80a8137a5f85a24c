package mockserver

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	json "github.com/go-json-experiment/json"
)

// IBM connection log limits.
const (
	DefaultLogLimit = 20   // entries without limit
	MaxLogLimit     = 20   // largest limit
	MaxLogOffset    = 1000 // largest offset (the smallest given one is 1)
)

// serveWIoTP runs the checks common to IBM routes (method, HTTP Basic auth)
// and then the route's handler.
func (s *Server) serveWIoTP(w http.ResponseWriter, req *request) {
	if req.badMethod {
		writeIBMError(w, http.StatusMethodNotAllowed, ExceptionMethodNotAllowed, "The method "+req.Method+" is not allowed on "+req.URL.Path+".")
		return
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user != APIKey || pass != APIToken {
		writeIBMError(w, http.StatusUnauthorized, ExceptionUnauthorized, "The API key or authentication token is missing or not valid.")
		return
	}
	handlers[req.route](s, w, req)
}

func writeFeatureDisabled(w http.ResponseWriter) {
	writeIBMError(w, http.StatusForbidden, ExceptionFeatureDisabled,
		"The client connection state feature is not enabled for this organization; enable it with PUT /config/clientstate.")
}

// handleClientState: GET /clientconnectionstates/{clientId}.
func (s *Server) handleClientState(w http.ResponseWriter, req *request) {
	var b bytes.Buffer
	s.mu.RLock()
	disabled := s.wiotp.disabled
	c := s.wiotp.clients[req.clientID]
	if c != nil && !disabled {
		appendClientJSON(&b, c)
	}
	s.mu.RUnlock()
	switch {
	case disabled:
		writeFeatureDisabled(w)
	case c == nil:
		writeIBMError(w, http.StatusNotFound, ExceptionNotFound, "The client "+strconv.Quote(req.clientID)+" was not found.")
	default:
		writeBody(w, http.StatusOK, b.Bytes())
	}
}

// handleClientStates: GET /clientconnectionstates, see Server.SeedClients
// for the query semantics.
func (s *Server) handleClientStates(w http.ResponseWriter, req *request) {
	q, perr := parseListQuery(req.URL.Query())
	s.mu.RLock()
	if s.wiotp.disabled {
		s.mu.RUnlock()
		writeFeatureDisabled(w)
		return
	}
	if perr != nil {
		s.mu.RUnlock()
		writeIBMInvalid(w, perr.param, perr.msg)
		return
	}
	p := s.pageLocked(q)
	var b bytes.Buffer
	b.Grow(64 + 320*len(p.results))
	b.WriteString(`{"results":[`)
	for i, c := range p.results {
		if i > 0 {
			b.WriteByte(',')
		}
		appendClientJSON(&b, c)
	}
	s.mu.RUnlock()
	b.WriteByte(']')
	if p.bookmark != "" {
		b.WriteString(`,"bookmark":`)
		b.WriteString(strconv.Quote(p.bookmark))
	}
	b.WriteString(`,"meta":{"total_rows":`)
	b.WriteString(strconv.Itoa(p.total))
	b.WriteString(`}}`)
	writeBody(w, http.StatusOK, b.Bytes())
}

type clientStateConfig struct {
	Enabled *bool `json:"enabled"`
}

// handleClientStateConfig: GET and PUT /config/clientstate. PUT
// {"enabled":false} deletes every stored client state, as the platform does
// when the feature is deactivated.
func (s *Server) handleClientStateConfig(w http.ResponseWriter, req *request) {
	if req.Method == http.MethodPut {
		var body clientStateConfig
		if err := json.Unmarshal(req.body, &body); err != nil || body.Enabled == nil {
			writeIBMInvalid(w, "enabled", `the body must be {"enabled": true|false}`)
			return
		}
		s.mu.Lock()
		s.wiotp.disabled = !*body.Enabled
		if !*body.Enabled && len(s.wiotp.clients) > 0 {
			clear(s.wiotp.clients)
			s.wiotp.byID = nil
			s.wiotp.version++
		}
		s.mu.Unlock()
	}
	s.mu.RLock()
	enabled := !s.wiotp.disabled
	s.mu.RUnlock()
	if !enabled && req.Method == http.MethodGet {
		// IBM's documentation: "If a 403 response is returned, the
		// feature is not active."
		writeFeatureDisabled(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"enabled": enabled})
}

type logRecord struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
}

// handleConnectionLogs: GET /logs/connection. typeId and deviceId are
// required; offset, when present, 1-1000 entries to skip; fromTime and
// toTime come together and bound the timestamps inclusively. limit is
// ignored, as the real API may ignore it, and every matching entry is
// returned at once; after HonorConnectionLogLimit(true) it must be 1-20 and
// caps the answer (default 20). The answer is a bare array, newest first.
func (s *Server) handleConnectionLogs(w http.ResponseWriter, req *request) {
	v := req.URL.Query()
	typeID, deviceID := v.Get("typeId"), v.Get("deviceId")
	switch {
	case typeID == "":
		writeIBMInvalid(w, "typeId", "typeId is required")
		return
	case deviceID == "":
		writeIBMInvalid(w, "deviceId", "deviceId is required")
		return
	}
	s.mu.RLock()
	honor := s.wiotp.honorLogLimit
	s.mu.RUnlock()
	limit, offset := -1, 0 // -1: no cap
	if honor {
		limit = DefaultLogLimit
	}
	if s := v.Get("limit"); s != "" && honor {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLogLimit {
			writeIBMInvalid(w, "limit", "limit must be an integer between 1 and 20")
			return
		}
		limit = n
	}
	if v.Has("offset") {
		n, err := strconv.Atoi(v.Get("offset"))
		if err != nil || n < 1 || n > MaxLogOffset {
			writeIBMInvalid(w, "offset", "offset must be an integer between 1 and 1000")
			return
		}
		offset = n
	}
	var from, to time.Time
	fromS, toS := v.Get("fromTime"), v.Get("toTime")
	if (fromS == "") != (toS == "") {
		writeIBMInvalid(w, "fromTime", "fromTime and toTime must be given together")
		return
	}
	if fromS != "" {
		var err1, err2 error
		from, err1 = time.Parse(time.RFC3339Nano, fromS)
		to, err2 = time.Parse(time.RFC3339Nano, toS)
		switch {
		case err1 != nil:
			writeIBMInvalid(w, "fromTime", "fromTime must be an ISO 8601 time")
			return
		case err2 != nil:
			writeIBMInvalid(w, "toTime", "toTime must be an ISO 8601 time")
			return
		case from.After(to):
			writeIBMInvalid(w, "fromTime", "fromTime must not be after toTime")
			return
		}
	}

	s.mu.RLock()
	logs, known := s.wiotp.logs[logKey{typeID, deviceID}]
	if !known {
		known = s.deviceClientExistsLocked(typeID, deviceID)
	}
	out := make([]logRecord, 0, min(max(limit, 0), len(logs)))
	for _, e := range logs {
		if len(out) == limit {
			break
		}
		if !from.IsZero() && (e.Time.Before(from) || e.Time.After(to)) {
			continue
		}
		if offset > 0 {
			offset--
			continue
		}
		out = append(out, logRecord{Message: e.Message, Timestamp: ibmTime(e.Time)})
	}
	s.mu.RUnlock()
	if !known {
		writeIBMError(w, http.StatusNotFound, ExceptionNotFound,
			"The device "+strconv.Quote(deviceID)+" of type "+strconv.Quote(typeID)+" was not found.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deviceClientExistsLocked(typeID, deviceID string) bool {
	for _, prefix := range []string{"d:", "g:"} {
		if s.wiotp.clients[prefix+OrgID+":"+typeID+":"+deviceID] != nil {
			return true
		}
	}
	return false
}
