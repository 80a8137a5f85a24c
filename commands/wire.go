package commands

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/internal/wire"
)

// wireCommand is a command record as IoTDA sends it.
type wireCommand struct {
	DeviceID      string          `json:"device_id"`
	CommandID     string          `json:"command_id"`
	ServiceID     string          `json:"service_id"`
	CommandName   string          `json:"command_name"`
	Paras         json.RawMessage `json:"paras,omitempty"`
	ExpireTime    int64           `json:"expire_time"`
	Status        string          `json:"status"`
	Result        json.RawMessage `json:"result,omitempty"`
	CreatedTime   string          `json:"created_time"`
	SentTime      string          `json:"sent_time"`
	DeliveredTime string          `json:"delivered_time"`
	ResponseTime  string          `json:"response_time"`
	SendStrategy  string          `json:"send_strategy"`
}

type wirePage struct {
	Marker string `json:"marker"`
	Count  *int64 `json:"count"`
}

// wireList is a command list (a history or queue page). DecodeJSON
// (decode.go) fills cmds directly and sets fast; encoding/json, used when
// the fast decoder is bypassed, fills Commands.
type wireList struct {
	Commands []wireCommand `json:"commands"`
	Page     *wirePage     `json:"page"`

	fast    bool      // decoded by DecodeJSON: cmds holds the records
	cmds    []Command // the records, converted
	convErr error     // the first record that could not be converted
}

func (w *wireCommand) command() (Command, error) {
	c := Command{
		ID:           w.CommandID,
		DeviceID:     w.DeviceID,
		ServiceID:    w.ServiceID,
		Name:         w.CommandName,
		Status:       Status(w.Status),
		SendStrategy: SendStrategy(w.SendStrategy),
		Expire:       time.Duration(w.ExpireTime) * time.Second,
		Params:       w.Paras,
		Result:       w.Result,
	}
	if w.ExpireTime < 0 {
		return c, fmt.Errorf("command %q: negative expire_time %d", w.CommandID, w.ExpireTime)
	}
	for _, f := range [...]struct {
		name string
		in   string
		out  *time.Time
	}{
		{"created_time", w.CreatedTime, &c.CreatedAt},
		{"sent_time", w.SentTime, &c.SentAt},
		{"delivered_time", w.DeliveredTime, &c.DeliveredAt},
		{"response_time", w.ResponseTime, &c.RespondedAt},
	} {
		t, err := wire.ParseCompact(f.in)
		if err != nil {
			return c, fmt.Errorf("command %q: %s: %v", w.CommandID, f.name, err)
		}
		*f.out = t
	}
	return c, nil
}
