package notify

import (
	stdjson "encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

// MaxIDLength is the longest ID, in bytes, a document may carry in
// request_id and in its header (the platform documents at most 256
// characters), and the longest resource and event name. A longer one makes the document a
// *DocumentError, so that a hostile document cannot make the consumers'
// maps of devices and commands grow without bound.
const MaxIDLength = 256

// DocumentError reports a document that could not be decoded. Err says
// what was wrong, with the member's path ("notify_data.body.command_id is
// missing"). A stream that meets one goes on with the next document; it
// matches iotclient.ErrMalformedResponse, like the SDK's other errors about
// what a platform sent.
type DocumentError struct {
	// Resource and RequestID are the document's when they could be read.
	Resource  Resource
	RequestID string
	// Document is the document as received.
	Document []byte
	Err      error
}

// Error names the resource when known, and what was wrong.
func (e *DocumentError) Error() string {
	if e.Resource == "" {
		return "notify: undecodable document: " + e.Err.Error()
	}
	return fmt.Sprintf("notify: undecodable %s document: %v", e.Resource, e.Err)
}

// Unwrap returns what was wrong.
func (e *DocumentError) Unwrap() error { return e.Err }

// Is reports whether target is iotclient.ErrMalformedResponse.
func (e *DocumentError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

// Decode decodes one forwarded document (the body of an HTTP push or of an
// AMQP message). It does not keep data: the Notification holds copies.
//
// The envelope is read for every resource; the body is typed for
// device.command.status (Notification.Command) and device.status
// (Notification.Device), and kept whole as raw JSON (Notification.Body)
// for every resource, so a document of any other resource loses nothing.
// Unknown members are ignored and unknown status values kept. Times may be
// in IoTDA's compact format (20151212T121212Z) or RFC 3339 with
// milliseconds in any field. The body is read from notify_data.body, as the
// API pages document it, or else from a "body" member beside notify_data,
// as Huawei's own examples print it (whether the platform sends that is
// unconfirmed).
//
// A document that is not a JSON object, lacks resource, notify_data or the
// body, has an ID longer than MaxIDLength, or whose typed body lacks its
// mandatory member (command_id, or the device's status) or has a member of
// the wrong type, is a *DocumentError naming the member.
func Decode(data []byte) (Notification, error) {
	w := getWireDocument(data)
	defer w.release()
	if err := json.Unmarshal(data, w); err != nil {
		return Notification{}, docError(w, data, err)
	}
	n, err := w.notification()
	if err != nil {
		return Notification{}, docError(w, data, err)
	}
	return n, nil
}

func docError(w *wireDocument, data []byte, err error) error {
	e := &DocumentError{Document: append([]byte(nil), data...), Err: err}
	// A member too long to be an ID is left out, as it is in the check.
	if len(w.Resource) <= MaxIDLength {
		e.Resource = Resource(w.Resource)
	}
	if len(w.RequestID) <= MaxIDLength {
		e.RequestID = w.RequestID
	}
	return e
}

var (
	errNoResource   = errors.New("resource is missing")
	errNoNotifyData = errors.New("notify_data is missing")
	errNoBody       = errors.New("notify_data.body is missing")
)

// notification checks the envelope and converts it, with the body of the
// two typed resources.
func (w *wireDocument) notification() (Notification, error) {
	if w.Resource == "" {
		return Notification{}, errNoResource
	}
	if !w.NotifyData.present {
		return Notification{}, errNoNotifyData
	}
	b := &w.NotifyData.Body
	body, bodyPath, typed := b.raw, "notify_data.body", b.typed
	if isAbsent(body) {
		body, bodyPath, typed = w.Body, "body", false
	}
	if isAbsent(body) {
		return Notification{}, errNoBody
	}
	if err := checkIDs(w); err != nil {
		return Notification{}, err
	}
	n := Notification{
		Resource:  Resource(w.Resource),
		Event:     Event(w.Event),
		Time:      w.EventTimeMS.Time(),
		RequestID: w.RequestID,
		Header:    w.NotifyData.Header.header(),
		Body:      stdjson.RawMessage(body),
	}
	if n.Time.IsZero() {
		n.Time = w.EventTime.Time()
	}
	var err error
	switch n.Resource {
	case ResourceCommandStatus:
		if err = decodeUntyped(typed, body, bodyPath, &b.cmd); err == nil {
			base := b.base
			if !typed {
				base = 0 // the spans count from the body
			}
			n.Command, err = b.cmd.status(bodyPath, body, base)
		}
	case ResourceDeviceStatus:
		if err = decodeUntyped(typed, body, bodyPath, &b.dev); err == nil {
			n.Device, err = b.dev.status(bodyPath)
		}
	}
	if err != nil {
		return Notification{}, err
	}
	return n, nil
}

// decodeUntyped decodes into dst a body read raw (the resource came after
// it, or it was the top-level one); a body typed as it was read is in dst
// already.
func decodeUntyped[T any](typed bool, body jsontext.Value, path string, dst *T) error {
	if typed {
		return nil
	}
	var zero T
	*dst = zero
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// isAbsent reports whether a member was left out or null.
func isAbsent(v jsontext.Value) bool { return len(v) == 0 || v.Kind() == 'n' }

// checkIDs bounds the envelope's names and IDs.
func checkIDs(w *wireDocument) error {
	h := &w.NotifyData.Header
	for _, f := range [...]struct{ name, v string }{
		{"resource", w.Resource}, {"event", w.Event}, {"request_id", w.RequestID},
		{"notify_data.header.app_id", h.AppID}, {"notify_data.header.device_id", h.DeviceID},
		{"notify_data.header.node_id", h.NodeID}, {"notify_data.header.product_id", h.ProductID},
		{"notify_data.header.gateway_id", h.GatewayID},
	} {
		if len(f.v) > MaxIDLength {
			return tooLong(f.name, len(f.v))
		}
	}
	return nil
}

func tooLong(field string, n int) error {
	return fmt.Errorf("%s is %d bytes long; at most %d are allowed", field, n, MaxIDLength)
}

// status converts the body; body is its raw JSON, which starts at base in
// the input the spans count from.
func (b *wireCommandStatus) status(path string, body []byte, base int64) (*CommandStatus, error) {
	switch {
	case b.CommandID == "":
		return nil, fmt.Errorf("%s.command_id is missing", path)
	case len(b.CommandID) > commands.MaxCommandIDLength:
		return nil, fmt.Errorf("%s.command_id is %d bytes long; at most %s are allowed",
			path, len(b.CommandID), strconv.Itoa(commands.MaxCommandIDLength))
	}
	c := &CommandStatus{
		CommandID:   b.CommandID,
		Status:      b.Status,
		CreatedAt:   b.CreatedTime.Time(),
		SentAt:      b.SentTime.Time(),
		DeliveredAt: b.DeliveredTime.Time(),
		RespondedAt: b.ResponseTime.Time(),
		Result:      b.Result.in(body, base),
	}
	return c, nil
}

func (b *wireDeviceStatus) status(path string) (*DeviceStatus, error) {
	if b.Status == "" {
		return nil, fmt.Errorf("%s.status is missing", path)
	}
	if b.Status == statusFreezed {
		b.Status = DeviceFrozen
	}
	return &DeviceStatus{
		Status:          b.Status,
		LastOnlineAt:    b.LastOnlineTime.Time(),
		StatusUpdatedAt: b.StatusUpdateTime.Time(),
	}, nil
}
