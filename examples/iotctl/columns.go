package main

import (
	"time"

	stdjson "encoding/json"

	"github.com/go-json-experiment/json/jsontext"

	json "github.com/go-json-experiment/json"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/commands"
)

// historyColumns are the fields of a command history record.
var historyColumns = []column[commands.Command]{
	{key: "id", title: "ID", table: true, get: func(c *commands.Command) cell { return text(c.ID) }},
	{key: "device_id", title: "DEVICE", get: func(c *commands.Command) cell { return text(c.DeviceID) }},
	{key: "service_id", title: "SERVICE", table: true, get: func(c *commands.Command) cell { return text(c.ServiceID) }},
	{key: "name", title: "NAME", table: true, get: func(c *commands.Command) cell { return text(c.Name) }},
	{key: "status", title: "STATUS", table: true, get: func(c *commands.Command) cell { return text(string(c.Status)) }},
	{key: "send_strategy", title: "STRATEGY", table: true, get: func(c *commands.Command) cell { return text(string(c.SendStrategy)) }},
	{key: "expire_seconds", title: "EXPIRE", get: func(c *commands.Command) cell { return number(int64(c.Expire / time.Second)) }},
	{key: "created_at", title: "CREATED", table: true, get: func(c *commands.Command) cell { return stamp(c.CreatedAt) }},
	{key: "sent_at", title: "SENT", get: func(c *commands.Command) cell { return stamp(c.SentAt) }},
	{key: "delivered_at", title: "DELIVERED", get: func(c *commands.Command) cell { return stamp(c.DeliveredAt) }},
	{key: "responded_at", title: "RESPONDED", table: true, get: func(c *commands.Command) cell { return stamp(c.RespondedAt) }},
}

// logColumns are the fields of a connection log entry.
var logColumns = []column[clientstate.LogEntry]{
	{key: "time", title: "TIME", table: true, get: func(e *clientstate.LogEntry) cell { return stamp(e.Time) }},
	{key: "message", title: "MESSAGE", table: true, get: func(e *clientstate.LogEntry) cell { return text(e.Message) }},
}

// stateColumns are the fields of a client's connection state.
var stateColumns = []column[clientstate.State]{
	{key: "client_id", title: "CLIENT ID", table: true, get: func(s *clientstate.State) cell { return text(s.ClientID) }},
	{key: "client_type", title: "TYPE", table: true, get: func(s *clientstate.State) cell { return text(string(s.ClientType)) }},
	{key: "status", title: "STATUS", table: true, get: func(s *clientstate.State) cell { return text(string(s.Status)) }},
	{key: "last_connected", title: "LAST CONNECTED", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastConnected) }},
	{key: "last_disconnected", title: "LAST DISCONNECTED", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastDisconnected) }},
	{key: "last_activity", title: "LAST ACTIVITY", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastActivity) }},
	{key: "last_activity_event", title: "LAST EVENT", get: func(s *clientstate.State) cell { return optText(string(s.LastActivityEvent)) }},
	{key: "protocol", title: "PROTOCOL", get: func(s *clientstate.State) cell { return optText(s.Protocol) }},
	{key: "disconnected_by", title: "BY", table: true, get: func(s *clientstate.State) cell { return optText(string(s.DisconnectedBy)) }},
	{key: "disconnect_reason_code", title: "CODE", table: true, get: func(s *clientstate.State) cell {
		return optNumber(int64(s.DisconnectReasonCode), s.HasDisconnectReasonCode)
	}},
	{key: "disconnect_reason", title: "REASON", table: true, get: func(s *clientstate.State) cell {
		if !s.HasDisconnectReasonCode {
			return optText("")
		}
		return text(live.CloseCodeText(s.DisconnectReasonCode))
	}},
	{key: "extra", title: "OTHER FIELDS", get: func(s *clientstate.State) cell { return rawJSON(jsontext.Value(extraJSON(s.Extra))) }},
}

// extraJSON is the fields the SDK does not model, as one JSON object (nil
// when there are none).
func extraJSON(extra map[string]stdjson.RawMessage) stdjson.RawMessage {
	if len(extra) == 0 {
		return nil
	}
	b, err := json.Marshal(extra, json.Deterministic(true)) // sorted keys
	if err != nil {
		return nil
	}
	return b
}

// eventColumns are the fields of a status event.
var eventColumns = []column[live.Event]{
	{key: "time", title: "TIME", table: true, width: 20, get: func(e *live.Event) cell { return stamp(e.Time) }},
	{key: "action", title: "ACTION", table: true, width: 13, get: func(e *live.Event) cell { return text(string(e.Action)) }},
	{key: "client_id", title: "CLIENT ID", table: true, width: 46, get: func(e *live.Event) cell { return text(e.ClientID) }},
	{key: "close_code", title: "CODE", table: true, width: 4, get: func(e *live.Event) cell {
		return optNumber(int64(e.CloseCode), hasCloseCode(e))
	}},
	{key: "reason", title: "REASON", tableOnly: true, width: 22, get: func(e *live.Event) cell {
		if !hasCloseCode(e) {
			return optText("")
		}
		return text(live.CloseCodeText(e.CloseCode)) // short, for the table
	}},
	{key: "reason", title: "REASON", get: func(e *live.Event) cell {
		switch {
		case e.Reason != "":
			return text(e.Reason) // the platform's words
		case hasCloseCode(e):
			return text(live.CloseCodeText(e.CloseCode))
		}
		return optText("")
	}},
	{key: "client_addr", title: "ADDRESS", table: true, width: 15, get: func(e *live.Event) cell { return optText(e.ClientAddr) }},
	{key: "port", title: "PORT", get: func(e *live.Event) cell { return optNumber(int64(e.Port), e.Port != 0) }},
	{key: "secure", title: "SECURE", get: func(e *live.Event) cell { return boolean(e.Secure) }},
	{key: "protocol", title: "PROTOCOL", get: func(e *live.Event) cell { return optText(e.Protocol) }},
	{key: "connect_time", title: "CONNECTED", get: func(e *live.Event) cell { return stamp(e.ConnectTime) }},
	{key: "read_bytes", title: "READ BYTES", get: func(e *live.Event) cell { return counter(e, e.ReadBytes) }},
	{key: "read_msg", title: "READ MSG", get: func(e *live.Event) cell { return counter(e, e.ReadMsg) }},
	{key: "write_bytes", title: "WRITE BYTES", get: func(e *live.Event) cell { return counter(e, e.WriteBytes) }},
	{key: "write_msg", title: "WRITE MSG", get: func(e *live.Event) cell { return counter(e, e.WriteMsg) }},
	{key: "retained", title: "RETAINED", table: true, get: func(e *live.Event) cell { return boolean(e.Retained) }},
	{key: "topic", title: "TOPIC", get: func(e *live.Event) cell { return text(e.Topic) }},
}

// hasCloseCode reports whether the event carries a close code: a
// Disconnect (where 0 means normal) or a refused attempt that names one.
func hasCloseCode(e *live.Event) bool {
	return e.Action == live.ActionDisconnect || e.CloseCode != 0
}

// counter is a traffic count, which only a Disconnect reports.
func counter(e *live.Event, n int64) cell {
	return optNumber(n, e.Action == live.ActionDisconnect)
}
