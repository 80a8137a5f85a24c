package clientstate

import (
	stdjson "encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"strconv"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// listParams is the query string of GET /clientconnectionstates. Every
// filter is sent unchanged with every page, as the platform's bookmark rule
// requires; only _bookmark changes.
type listParams struct {
	Status         ConnectionStatus `url:"connectionStatus,omitempty"`
	ConnectedAfter wire.IBMTime     `url:"connectedAfter"` // zero: left out
	DeviceType     string           `url:"deviceType,omitempty"`
	DeviceID       string           `url:"deviceId,omitempty"`
	Sort           []string         `url:"_sort,omitempty,comma"`
	Limit          int              `url:"_limit"`
	Bookmark       string           `url:"_bookmark,omitempty"`
	Extra          extraParams      `url:"extra"` // its own names
}

// extraParams adds ListQuery.Extra's parameters as they are.
type extraParams url.Values

// EncodeValues implements query.Encoder.
func (e extraParams) EncodeValues(_ string, v *url.Values) error {
	maps.Copy(*v, url.Values(e))
	return nil
}

// modelled maps the parameters ListQuery sets itself to the field that sets
// them, for refusing the same names in Extra.
var modelled = map[string]string{
	"connectionStatus": "Status",
	"connectedAfter":   "ConnectedAfter",
	"deviceType":       "DeviceType",
	"deviceId":         "DeviceID",
	"_limit":           "PageSize",
	"_bookmark":        "Bookmark",
	"_sort":            "Sort",
}

// params is the query string of the page after bookmark.
func (q *ListQuery) params(bookmark string, limit int) listParams {
	return listParams{
		Status: q.Status, ConnectedAfter: wire.IBMTime(q.ConnectedAfter), DeviceType: q.DeviceType,
		DeviceID: q.DeviceID, Sort: q.Sort, Limit: limit, Bookmark: bookmark, Extra: extraParams(q.Extra),
	}
}

// logParams is the query string of GET /logs/connection: a zero time,
// limit or offset is left out.
type logParams struct {
	TypeID   string       `url:"typeId"`
	DeviceID string       `url:"deviceId"`
	From     wire.IBMTime `url:"fromTime"`
	To       wire.IBMTime `url:"toTime"`
	Limit    int          `url:"limit,omitempty"`
	Offset   int          `url:"offset,omitempty"` // the API's offset is 1 to 1000: the first page sends none
}

// wireRecords recycles the records of the pages decoded.
var wireRecords core.Records[wireState]

// wireState is a client state record as the platform sends it.
type wireState struct {
	ID                   string           `json:"id"`
	ClientType           ClientType       `json:"clientType"`
	ConnectionStatus     ConnectionStatus `json:"connectionStatus"`
	LastConnectTime      wire.IBMTime     `json:"lastConnectTime"`
	LastDisconnectTime   wire.IBMTime     `json:"lastDisconnectTime"`
	LastActivityTime     wire.IBMTime     `json:"lastActivityTime"`
	LastActivityEvent    ActivityEvent    `json:"lastActivityEvent"`
	MQTTConnectProtocol  string           `json:"mqttConnectProtocol"`
	DisconnectedBy       DisconnectedBy   `json:"disconnectedBy"`       // unconfirmed name
	DisconnectReasonCode reasonCode       `json:"disconnectReasonCode"` // unconfirmed name
	// The members the SDK does not model. v1.27.2 ignores the option's v2
	// name, unknown; staticcheck knows only encoding/json's options.
	Extra map[string]stdjson.RawMessage `json:",embed"`
}

// state converts the record to the public type.
func (w *wireState) state() State {
	return State{
		ClientID:                w.ID,
		ClientType:              w.ClientType,
		Status:                  w.ConnectionStatus,
		LastConnected:           w.LastConnectTime.Time(),
		LastDisconnected:        w.LastDisconnectTime.Time(),
		LastActivity:            w.LastActivityTime.Time(),
		LastActivityEvent:       w.LastActivityEvent,
		Protocol:                w.MQTTConnectProtocol,
		DisconnectedBy:          w.DisconnectedBy,
		DisconnectReasonCode:    w.DisconnectReasonCode.n,
		HasDisconnectReasonCode: w.DisconnectReasonCode.set,
		Extra:                   w.Extra,
	}
}

// fromState is the inverse of state, for MarshalJSON.
func fromState(s *State) wireState {
	return wireState{
		ID:                   s.ClientID,
		ClientType:           s.ClientType,
		ConnectionStatus:     s.Status,
		LastConnectTime:      wire.IBMTime(s.LastConnected),
		LastDisconnectTime:   wire.IBMTime(s.LastDisconnected),
		LastActivityTime:     wire.IBMTime(s.LastActivity),
		LastActivityEvent:    s.LastActivityEvent,
		MQTTConnectProtocol:  s.Protocol,
		DisconnectedBy:       s.DisconnectedBy,
		DisconnectReasonCode: reasonCode{n: s.DisconnectReasonCode, set: s.HasDisconnectReasonCode},
		Extra:                s.Extra,
	}
}

// reasonCode is an integer JSON number or a string of digits (the member's
// type is as unconfirmed as its name); null leaves it unset.
type reasonCode struct {
	n   int
	set bool
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (r *reasonCode) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case '"', '0': // String is a string's text, a number's digits
		if n, err := strconv.Atoi(tok.String()); err == nil {
			*r = reasonCode{n: n, set: true}
			return nil
		}
	}
	return errors.New("not an integer")
}

// MarshalJSONTo implements json.MarshalerTo: a JSON number.
func (r reasonCode) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteToken(jsontext.Int(int64(r.n)))
}

// wireList is the list response; other top-level members are ignored.
type wireList struct {
	Results  []wireState `json:"results"`
	Bookmark string      `json:"bookmark"`
	Meta     wireMeta    `json:"meta"`
}

// page converts the list, checking that it holds no more than limit
// states.
func (w *wireList) page(limit int, requestID string) (pagination.Page[State], error) {
	p, err := core.Page(len(w.Results), limit, "client states", requestID, func(i int) (State, error) { return w.Results[i].state(), nil })
	if err != nil {
		return pagination.Page[State]{}, err
	}
	p.Total, p.HasTotal = w.Meta.total, w.Meta.hasTotal
	if len(w.Results) > 0 {
		p.Next = w.Bookmark
	}
	return p, nil
}

// wireMeta is the list's meta member. Its shape is unconfirmed for this API,
// so a value that is not an object is ignored rather than refused.
type wireMeta struct {
	total    int
	hasTotal bool
}

// UnmarshalJSONFrom reads {"total_rows": N}, N a non-negative integer
// (2345, 2345.0 or 2.345e3), ignoring anything else.
func (m *wireMeta) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	var w struct {
		TotalRows *float64 `json:"total_rows"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil || w.TotalRows == nil {
		return err
	}
	if f := *w.TotalRows; f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return fmt.Errorf("total_rows is %v: not a count", f)
	}
	m.total, m.hasTotal = int(*w.TotalRows), true
	return nil
}

// wireLogEntry is one connection log entry.
type wireLogEntry struct {
	Message   string       `json:"message"`
	Timestamp wire.IBMTime `json:"timestamp"`
}

// entry converts the entry to the public type.
func (w *wireLogEntry) entry() LogEntry {
	return LogEntry{Time: w.Timestamp.Time(), Message: w.Message}
}
