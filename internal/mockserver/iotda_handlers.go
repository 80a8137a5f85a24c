package mockserver

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// commandRecord is a command on the wire. Absent times are omitted; paras
// and result appear in the read-one and deliver answers only.
type commandRecord struct {
	DeviceID      string         `json:"device_id"`
	CommandID     string         `json:"command_id"`
	ServiceID     string         `json:"service_id"`
	CommandName   string         `json:"command_name"`
	Paras         jsontext.Value `json:"paras,omitzero"`
	ExpireTime    int            `json:"expire_time"`
	Status        string         `json:"status"`
	Result        jsontext.Value `json:"result,omitzero"`
	CreatedTime   string         `json:"created_time,omitempty"`
	SentTime      string         `json:"sent_time,omitempty"`
	DeliveredTime string         `json:"delivered_time,omitempty"`
	ResponseTime  string         `json:"response_time,omitempty"`
	SendStrategy  string         `json:"send_strategy"`
}

func toRecord(c *Command, full bool) commandRecord {
	r := commandRecord{
		DeviceID:      c.DeviceID,
		CommandID:     c.ID,
		ServiceID:     c.ServiceID,
		CommandName:   c.Name,
		ExpireTime:    c.ExpireSeconds,
		Status:        c.Status,
		CreatedTime:   compactTime(c.Created),
		SentTime:      compactTime(c.Sent),
		DeliveredTime: compactTime(c.Delivered),
		ResponseTime:  compactTime(c.Responded),
		SendStrategy:  c.SendStrategy,
	}
	if full {
		r.Paras = bytes.Clone(c.Paras)
		r.Result = bytes.Clone(c.Result)
	}
	return r
}

func compactTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

type historyPage struct {
	Marker string `json:"marker,omitempty"`
}

type historyResponse struct {
	Commands []commandRecord `json:"commands"`
	Page     historyPage     `json:"page"`
}

// countedPage is the page of the listings that count their matches: the
// queue and the device list.
type countedPage struct {
	Count  int    `json:"count"`
	Marker string `json:"marker,omitempty"`
}

type queueResponse struct {
	Commands []commandRecord `json:"commands"`
	Page     countedPage     `json:"page"`
}

// serveIoTDA runs the checks common to IoTDA routes (method, body, auth,
// project, device ID) and then the route's handler.
func (s *Server) serveIoTDA(w http.ResponseWriter, req *request) {
	if req.badMethod {
		writeIoTDAError(w, req.requestID, http.StatusMethodNotAllowed, CodeAPINotFound,
			"The API does not exist or has not been published in the environment: method "+req.Method+" is not allowed.")
		return
	}
	if req.bodyErr != nil {
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusBadRequest, CodeBadRequestFormat, "Invalid input. The request body cannot be read: " + req.bodyErr.Error()})
		return
	}
	if req.route == RouteIAMToken {
		s.handleIAMToken(w, req)
		return
	}
	if err := s.authIoTDA(req); err != nil {
		writeIoTDAError(w, req.requestID, http.StatusUnauthorized, CodeAuthFailed,
			"Incorrect IAM authentication information: "+err.Error())
		return
	}
	if req.projectID != ProjectID {
		writeIoTDAError(w, req.requestID, http.StatusForbidden, CodeInvalidToken,
			"Invalid access token: the token does not grant access to project "+strconv.Quote(req.projectID)+".")
		return
	}
	if req.route != RouteListDevices && req.route != RouteSearchDevices && !validDeviceID(req.deviceID) {
		s.writeIoTDAErr(w, req, badInput("The device ID must be 1-128 characters of letters, digits, '_' and '-'."))
		return
	}
	s.runLifecycle() // iotda_lifecycle.go: simulated commands catch up with the clock
	handlers[req.route](s, w, req)
}

var errDeviceNotFound = &iotdaErr{http.StatusNotFound, CodeDeviceNotFound, "The device does not exist."}

// device returns req's device, or answers 404 and returns nil. A device is
// never removed or replaced, so the caller reads and changes it under s.mu
// later.
func (s *Server) device(w http.ResponseWriter, req *request) *device {
	s.mu.RLock()
	d := s.iotda.devices[req.deviceID]
	s.mu.RUnlock()
	if d == nil {
		s.writeIoTDAErr(w, req, errDeviceNotFound)
	}
	return d
}

// withDeviceQuery parses the command query (paging says whether paging
// parameters count), finds the device, and runs answer under the read lock,
// writing its value as the JSON answer; a bad query or an unknown device is
// answered with the IoTDA error instead.
func (s *Server) withDeviceQuery(w http.ResponseWriter, req *request, paging bool, answer func(q *commandQuery, d *device) any) {
	q, e := parseCommandQuery(req.URL.Query(), paging)
	if e != nil {
		s.writeIoTDAErr(w, req, e)
		return
	}
	if paging && req.route == RouteHistory && s.serveGeneratedHistory(w, req, &q) { // iotda_generated.go
		return
	}
	d := s.device(w, req)
	if d == nil {
		return
	}
	s.mu.RLock()
	v := answer(&q, d)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, v)
}

// handleHistory: GET .../async-commands-history: the stored commands in a
// history status (inHistory), newest first.
func (s *Server) handleHistory(w http.ResponseWriter, req *request) {
	s.withDeviceQuery(w, req, true, func(q *commandQuery, d *device) any {
		resp := historyResponse{Commands: q.page(d, inHistory)}
		if n := len(resp.Commands); n > 0 {
			resp.Page.Marker = resp.Commands[n-1].CommandID
		}
		return resp
	})
}

// handleHistoryCount: POST .../async-commands-history/count with the
// history's filters as query parameters (paging parameters ignored). The
// official SDK declares the request as JSON; one without a JSON content
// type is refused, so a client that leaves it out is caught.
func (s *Server) handleHistoryCount(w http.ResponseWriter, req *request) {
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusBadRequest, CodeBadRequestFormat,
			"Invalid input. The Content-Type must be application/json."})
		return
	}
	s.withDeviceQuery(w, req, false, func(q *commandQuery, d *device) any {
		return map[string]int{"count": q.count(d, inHistory)}
	})
}

// handleQueue: GET .../async-commands: PENDING, SENT and DELIVERED commands, same
// paging as the history, plus page.count = all queued commands matching the
// filters (regardless of marker, offset and limit).
func (s *Server) handleQueue(w http.ResponseWriter, req *request) {
	s.withDeviceQuery(w, req, true, func(q *commandQuery, d *device) any {
		resp := queueResponse{Commands: q.page(d, queued), Page: countedPage{Count: q.count(d, queued)}}
		if n := len(resp.Commands); n > 0 {
			resp.Page.Marker = resp.Commands[n-1].CommandID
		}
		return resp
	})
}

// handleGetCommand: GET .../async-commands/{command_id}.
func (s *Server) handleGetCommand(w http.ResponseWriter, req *request) {
	if !validCommandID(req.commandID) {
		s.writeIoTDAErr(w, req, badInput("The command ID must be 1-100 characters of letters, digits, '_' and '-'."))
		return
	}
	d := s.device(w, req)
	if d == nil {
		return
	}
	s.mu.RLock()
	i, ok := d.find(req.commandID)
	if !ok {
		s.mu.RUnlock()
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusNotFound, CodeCommandNotFound, "The command does not exist."})
		return
	}
	rec := toRecord(&d.cmds[i], true)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, rec)
}

// deliverBody is the body of POST .../async-commands.
type deliverBody struct {
	ServiceID    string         `json:"service_id"`
	CommandName  string         `json:"command_name"`
	Paras        jsontext.Value `json:"paras"`
	ExpireTime   *int           `json:"expire_time"`
	SendStrategy *string        `json:"send_strategy"`
}

// handleCreateCommand: POST .../async-commands. The answer (200) is the
// stored record with paras: SENT with sent_time = created_time for
// immediately, PENDING for delay.
func (s *Server) handleCreateCommand(w http.ResponseWriter, req *request) {
	var b deliverBody
	if trimmed := bytes.TrimSpace(req.body); !jsontext.Value(trimmed).IsValid() || trimmed[0] != '{' {
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusBadRequest, CodeBadRequestFormat, "Invalid input. Bad request: the body is not a JSON object."})
		return
	}
	if err := json.Unmarshal(req.body, &b); err != nil {
		field := "?"
		var se *json.SemanticError
		if errors.As(err, &se) {
			field = strings.Join(slices.Collect(se.JSONPointer.Tokens()), ".")
		}
		s.writeIoTDAErr(w, req, badInput("The field '"+field+"' has the wrong type."))
		return
	}
	paras := bytes.TrimSpace(b.Paras)
	compact := jsontext.Value(bytes.Clone(paras))
	switch {
	case len(b.ServiceID) > MaxServiceIDLen:
		s.writeIoTDAErr(w, req, badInput("The field 'service_id' must be at most 64 characters."))
		return
	case len(b.CommandName) > MaxCommandNameLen:
		s.writeIoTDAErr(w, req, badInput("The field 'command_name' must be at most 128 characters."))
		return
	case len(paras) == 0 || paras[0] != '{':
		s.writeIoTDAErr(w, req, badInput("The field 'paras' must be a JSON object."))
		return
	case compact.Compact() != nil || len(compact) > MaxParasBytes:
		s.writeIoTDAErr(w, req, badInput("The field 'paras' must be at most 32 KB."))
		return
	case b.ExpireTime != nil && (*b.ExpireTime < 0 || *b.ExpireTime > MaxExpireSeconds):
		s.writeIoTDAErr(w, req, badInput("The field 'expire_time' must be between 0 and 172800."))
		return
	case b.SendStrategy == nil:
		// Required in the official model (AsyncDeviceCommandRequest).
		s.writeIoTDAErr(w, req, badInput("The field 'send_strategy' is required."))
		return
	case *b.SendStrategy != StrategyImmediately && *b.SendStrategy != StrategyDelay:
		s.writeIoTDAErr(w, req, badInput("The field 'send_strategy' must be 'immediately' or 'delay'."))
		return
	}
	strategy := *b.SendStrategy

	d := s.device(w, req)
	if d == nil {
		return
	}
	s.mu.Lock()
	if strategy == StrategyDelay && d.pending() >= MaxPendingPerDev {
		s.mu.Unlock()
		s.writeIoTDAErr(w, req, &iotdaErr{http.StatusBadRequest, CodeTooManyPending,
			"Invalid input data. The device already has 20 cached (PENDING) commands."})
		return
	}
	now := secondUTC(s.now())
	c := Command{
		DeviceID:     req.deviceID,
		ServiceID:    b.ServiceID,
		Name:         b.CommandName,
		SendStrategy: strategy,
		Created:      now,
		Paras:        compact,
		Status:       StatusPending,
	}
	if b.ExpireTime != nil {
		c.ExpireSeconds = *b.ExpireTime
	}
	if strategy == StrategyImmediately {
		c.Status, c.Sent = StatusSent, now
	}
	c.ID = s.newIDLocked(d, now)
	d.put(c)
	s.pushCommandLocked(&c, s.now())
	rec := toRecord(&c, true)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, rec)
}
