package commands

import (
	stdjson "encoding/json"
	"time"
)

// Status is a command's state on the platform. Other values are kept as
// they come.
type Status string

// The seven statuses IoTDA reports.
const (
	StatusPending    Status = "PENDING"    // cached on the platform, not yet sent
	StatusSent       Status = "SENT"       // being delivered
	StatusDelivered  Status = "DELIVERED"  // reached the device
	StatusSuccessful Status = "SUCCESSFUL" // the device executed it
	StatusFailed     Status = "FAILED"     // the device failed to execute it
	StatusTimeout    Status = "TIMEOUT"    // the device did not answer in time
	StatusExpired    Status = "EXPIRED"    // the cache time ran out before delivery
)

// IsTerminal reports whether the status is final: SUCCESSFUL, FAILED,
// TIMEOUT or EXPIRED.
func (s Status) IsTerminal() bool {
	switch s {
	case StatusSuccessful, StatusFailed, StatusTimeout, StatusExpired:
		return true
	}
	return false
}

// Known reports whether s is one of the seven documented statuses.
func (s Status) Known() bool {
	switch s {
	case StatusPending, StatusSent, StatusDelivered, StatusSuccessful, StatusFailed, StatusTimeout, StatusExpired:
		return true
	}
	return false
}

// SendStrategy is how the platform delivers a command.
type SendStrategy string

// The send strategies.
const (
	// SendImmediately delivers at once, failing if the device is offline.
	SendImmediately SendStrategy = "immediately"
	// SendDelay caches the command until the device next reports.
	SendDelay SendStrategy = "delay"
)

// Command is one asynchronous command and what became of it.
type Command struct {
	ID           string
	DeviceID     string
	ServiceID    string
	Name         string
	Status       Status
	SendStrategy SendStrategy
	Expire       time.Duration // the cache time; 0 is the platform default of 24 hours
	// The times are UTC; zero when the platform did not report them.
	CreatedAt   time.Time
	SentAt      time.Time
	DeliveredAt time.Time
	RespondedAt time.Time
	// Params and Result are the command's parameters and the device's
	// result as raw JSON; empty when the platform sent none (or null),
	// and always empty in history records (History, HistoryPage, Export,
	// FleetHistory), whose API has neither: Get has them.
	// encoding/json's RawMessage is the SDK's one raw-JSON type
	// (clientstate.State.Extra and live.Event.Extra hold it too): it is
	// the standard library's on every supported Go version, where
	// go-json-experiment's jsontext.Value is that module's own type before
	// Go 1.27.
	Params stdjson.RawMessage
	Result stdjson.RawMessage
}
