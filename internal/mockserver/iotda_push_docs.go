package mockserver

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The documents the fake pushes, as spec/huawei-iotda-push.md §2 gives
// them: one envelope, notify_data.header, and the resource's body.

// Resources and the event of the documents the fake pushes.
const (
	ResourceCommandStatus = "device.command.status"
	ResourceDeviceStatus  = "device.status"
	EventUpdate           = "update"
)

// PushAppID is the app_id (resource space) in the header of every pushed
// document: the fake has a single one.
const PushAppID = "mock-app-0001"

// pushMSLayout is event_time_ms and status_update_time:
// yyyy-MM-dd'T'HH:mm:ss.SSS'Z'.
const pushMSLayout = "2006-01-02T15:04:05.000Z"

type pushEnvelope struct {
	Resource    string         `json:"resource"`
	Event       string         `json:"event"`
	EventTime   string         `json:"event_time"`
	EventTimeMS string         `json:"event_time_ms"`
	RequestID   string         `json:"request_id"`
	NotifyData  pushNotifyData `json:"notify_data"`
}

type pushNotifyData struct {
	Header pushHeader `json:"header"`
	Body   any        `json:"body"`
}

type pushHeader struct {
	AppID     string `json:"app_id"`
	DeviceID  string `json:"device_id"`
	NodeID    string `json:"node_id,omitempty"`
	ProductID string `json:"product_id,omitempty"`
	GatewayID string `json:"gateway_id"`
}

type pushCommandBody struct {
	CommandID     string         `json:"command_id"`
	Status        string         `json:"status"`
	CreatedTime   string         `json:"created_time,omitempty"`
	SentTime      string         `json:"sent_time,omitempty"`
	DeliveredTime string         `json:"delivered_time,omitempty"`
	ResponseTime  string         `json:"response_time,omitempty"`
	Result        jsontext.Value `json:"result,omitzero"`
}

type pushDeviceBody struct {
	Status           string `json:"status"`
	LastOnlineTime   string `json:"last_online_time,omitempty"`
	StatusUpdateTime string `json:"status_update_time"`
}

// pushHeaderLocked is the header of a document about deviceID, from its
// registration (iotda_devices.go). Documents are about stored devices only;
// should one not be, its header names the ID alone. Call with s.mu held.
func (s *Server) pushHeaderLocked(deviceID string) pushHeader {
	d := s.iotda.devices[deviceID]
	if d == nil {
		return pushHeader{AppID: PushAppID, DeviceID: deviceID, GatewayID: deviceID}
	}
	return pushHeader{AppID: d.info.AppID, DeviceID: deviceID, NodeID: d.info.NodeID, ProductID: d.info.ProductID, GatewayID: d.info.GatewayID}
}

// pushCommandLocked pushes c's current status, changed at at. Call with
// s.mu held (c is stored data); without pushing it costs one atomic load.
func (s *Server) pushCommandLocked(c *Command, at time.Time) {
	p := s.push.p.Load()
	if p == nil || (c.Status == StatusPending && p.skipPending()) {
		return
	}
	body := pushCommandBody{
		CommandID:     c.ID,
		Status:        c.Status,
		CreatedTime:   compactTime(c.Created),
		SentTime:      compactTime(c.Sent),
		DeliveredTime: compactTime(c.Delivered),
		ResponseTime:  compactTime(c.Responded),
		Result:        jsontext.Value(c.Result),
	}
	s.pushDoc(p, ResourceCommandStatus, c.DeviceID, c.ID, c.Status, at, body)
}

// pushDoc wraps body in the envelope and queues it; id is the command or
// device the document is about.
func (s *Server) pushDoc(p *pusher, resource, deviceID, id, status string, at time.Time, body any) {
	at = at.UTC()
	doc := pushEnvelope{
		Resource:    resource,
		Event:       EventUpdate,
		EventTime:   at.Format(TimeLayout),
		EventTimeMS: at.Format(pushMSLayout),
		RequestID:   s.pushRequestID(),
		NotifyData:  pushNotifyData{Header: s.pushHeaderLocked(deviceID), Body: body},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return // the fake's own types always encode
	}
	p.add(b, id, resource+"|"+id+"|"+status+"|"+doc.EventTimeMS)
}

// pushRequestID is a UUID-shaped request_id (the platform's examples are
// UUIDs): the server's nonce and a sequence number, unique per server.
func (s *Server) pushRequestID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], s.reqNonce)
	binary.BigEndian.PutUint64(b[8:], s.push.seq.Add(1))
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

func (p *pusher) skipPending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.SkipPending
}
