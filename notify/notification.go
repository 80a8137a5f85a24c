package notify

import (
	stdjson "encoding/json"
	"time"

	"github.com/iotclient/iotclient-go/commands"
)

// Resource is what a forwarded document is about: the resource of the
// forwarding rule's trigger. Other values are kept as they come.
type Resource string

// The resources a forwarding rule can carry. Only the command and device
// status are decoded into types (Notification.Command, Notification.Device);
// the others keep their body as raw JSON in Notification.Body.
const (
	ResourceCommandStatus Resource = "device.command.status" // an asynchronous command changed status
	ResourceDeviceStatus  Resource = "device.status"         // a device went online, offline, ...
	ResourceDevice        Resource = "device"                // a device was added, updated or deleted
	ResourceProperty      Resource = "device.property"       // a device reported properties
	ResourceMessage       Resource = "device.message"        // a device reported a message
	ResourceMessageStatus Resource = "device.message.status" // a downlink message changed status
	ResourceBatchTask     Resource = "batchtask"             // a batch task changed status
	ResourceProduct       Resource = "product"               // a product was added, updated or deleted
)

// Event is what happened to the resource. Other values are kept as they
// come.
type Event string

// The events a forwarding rule can carry.
const (
	EventUpdate Event = "update" // device.command.status, device.status, device.message.status, batchtask, device, product
	EventReport Event = "report" // device.property, device.message
	EventCreate Event = "create" // device, product
	EventDelete Event = "delete" // device, product
)

// Notification is one document IoTDA forwards (over HTTP(S) push or
// AMQP): the envelope every resource shares, and the body typed for the
// command and device status.
type Notification struct {
	Resource Resource
	Event    Event
	// Time is when the event happened, in UTC: event_time_ms when the
	// document has it (millisecond resolution), else event_time (to the
	// second); zero when it has neither.
	Time time.Time
	// RequestID is the message ID the device set or the platform
	// generated; it may be empty.
	RequestID string
	Header    Header
	// Command is the body of a device.command.status document; nil for any
	// other resource.
	Command *CommandStatus
	// Device is the body of a device.status document; nil for any other
	// resource.
	Device *DeviceStatus
	// Body is the document's body (notify_data.body) as received, for
	// every resource, so that nothing a rule forwards is lost: the fields
	// Command and Device model, and whatever else the platform adds.
	Body stdjson.RawMessage
}

// Header is the document's notify_data.header: which device the
// notification is about. Every field may be empty.
type Header struct {
	AppID     string // the resource space (application) ID
	DeviceID  string
	NodeID    string // the device's node ID: IMEI, MAC address, serial number...
	ProductID string
	// GatewayID is DeviceID for a directly connected device, else the
	// device ID of its parent gateway.
	GatewayID string
	Tags      []Tag
}

// Tag is one of the device's tags.
type Tag struct {
	Key   string
	Value string
}

// CommandStatus is the body of a device.command.status document: an
// asynchronous command changed status.
type CommandStatus struct {
	CommandID string // never empty
	// Status is in the vocabulary of the command API (PENDING, SENT,
	// DELIVERED, SUCCESSFUL, FAILED, TIMEOUT, EXPIRED); unknown values are
	// kept. Whether the platform always sends it is unconfirmed, so it may
	// be empty.
	Status commands.Status
	// The command's times, in UTC; zero when the document lacks them
	// (which of them the platform sends is unconfirmed).
	CreatedAt   time.Time
	SentAt      time.Time
	DeliveredAt time.Time
	RespondedAt time.Time
	// Result is the device's execution result as raw JSON, empty when the
	// document has none (or null). It is a slice of the Notification's
	// Body (no second copy): change neither in place if the other must
	// stay as received. Appending to it cannot write over Body.
	Result stdjson.RawMessage
}

// DeviceState is a device's status in IoTDA. Other values are kept as they
// come.
type DeviceState string

// The five device statuses. Some of Huawei's pages spell FROZEN "FREEZED":
// it is decoded as DeviceFrozen.
const (
	DeviceOnline   DeviceState = "ONLINE"   // connected (or reported within 25 h, for NB-IoT/CoAP devices)
	DeviceOffline  DeviceState = "OFFLINE"  // disconnected
	DeviceAbnormal DeviceState = "ABNORMAL" // an NB-IoT/CoAP device silent for more than 25 h
	DeviceInactive DeviceState = "INACTIVE" // registered, never connected
	DeviceFrozen   DeviceState = "FROZEN"   // frozen by the user: cannot connect
)

// Known reports whether s is one of the five documented statuses.
func (s DeviceState) Known() bool {
	switch s {
	case DeviceOnline, DeviceOffline, DeviceAbnormal, DeviceInactive, DeviceFrozen:
		return true
	}
	return false
}

// DeviceStatus is the body of a device.status document: a device's status
// changed. A push is a change, not a heartbeat: after a gap in the stream,
// ask the REST API for the current state.
type DeviceStatus struct {
	Status DeviceState // never empty
	// LastOnlineAt is when the device last came online, in UTC (zero when
	// absent).
	LastOnlineAt time.Time
	// StatusUpdatedAt is when the status changed, in UTC (zero when absent:
	// whether the platform always sends it is unconfirmed).
	StatusUpdatedAt time.Time
}
