package commands

import (
	stdjson "encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/wire"
	"github.com/iotclient/iotclient-go/pagination"
)

// listParams is a history, queue or count query as IoTDA spells it;
// wire.CompactTime leaves out a zero time.
type listParams struct {
	CommandName string           `url:"command_name,omitempty"`
	EndTime     wire.CompactTime `url:"end_time"`
	Limit       int              `url:"limit,omitempty"`
	Marker      string           `url:"marker,omitempty"`
	Offset      int              `url:"offset,omitempty"`
	StartTime   wire.CompactTime `url:"start_time"`
	Status      Status           `url:"status,omitempty"`
}

func (q *HistoryQuery) params(marker string, offset, limit int) listParams {
	return listParams{
		CommandName: q.CommandName, EndTime: wire.CompactTime(q.Until), Limit: limit,
		Marker: marker, Offset: offset, StartTime: wire.CompactTime(q.Since), Status: q.Status,
	}
}

// wireCommand is a command record as IoTDA sends it (the official SDK's
// AsyncDeviceCommand / ShowAsyncDeviceCommandResponse).
type wireCommand struct {
	DeviceID      string           `json:"device_id"`
	CommandID     string           `json:"command_id"`
	ServiceID     string           `json:"service_id"`
	CommandName   string           `json:"command_name"`
	Paras         jsontext.Value   `json:"paras"`
	ExpireTime    int64            `json:"expire_time"`
	Status        Status           `json:"status"`
	Result        jsontext.Value   `json:"result"`
	CreatedTime   wire.CompactTime `json:"created_time"`
	SentTime      wire.CompactTime `json:"sent_time"`
	DeliveredTime wire.CompactTime `json:"delivered_time"`
	ResponseTime  wire.CompactTime `json:"response_time"`
	SendStrategy  SendStrategy     `json:"send_strategy"`
}

type wirePage struct {
	Marker string `json:"marker"`
	Count  *int   `json:"count"`
}

// wireRecords recycles the records of the pages decoded.
var wireRecords core.Records[wireCommand]

// wireList is a command list: a history or queue page.
type wireList struct {
	Commands []wireCommand `json:"commands"`
	Page     *wirePage     `json:"page"`
}

// wireNewCommand is the official SDK's AsyncDeviceCommandRequest:
// service_id and command_name optional, send_strategy required.
type wireNewCommand struct {
	ServiceID    string         `json:"service_id,omitempty"`
	CommandName  string         `json:"command_name,omitempty"`
	Paras        jsontext.Value `json:"paras"`
	ExpireTime   int64          `json:"expire_time,omitzero"`
	SendStrategy string         `json:"send_strategy"`
}

// wireCount is the count call's answer; a null answer has no count either.
type wireCount struct {
	Count *int `json:"count"`
}

// maxExpireSeconds is the largest expire_time a time.Duration holds.
const maxExpireSeconds = int64(math.MaxInt64 / time.Second)

// command converts the record; i is its index in the page (-1 for a
// single record), for the error.
func (w *wireCommand) command(i int) (Command, error) {
	if w.ExpireTime < 0 || w.ExpireTime > maxExpireSeconds {
		where := "expire_time"
		if i >= 0 {
			where = fmt.Sprintf("commands[%d].expire_time", i)
		}
		return Command{}, fmt.Errorf("%s: expire_time %d out of range (command %q)", where, w.ExpireTime, w.CommandID)
	}
	return Command{
		ID:           w.CommandID,
		DeviceID:     w.DeviceID,
		ServiceID:    w.ServiceID,
		Name:         w.CommandName,
		Status:       w.Status,
		SendStrategy: w.SendStrategy,
		Expire:       time.Duration(w.ExpireTime) * time.Second,
		CreatedAt:    w.CreatedTime.Time(),
		SentAt:       w.SentTime.Time(),
		DeliveredAt:  w.DeliveredTime.Time(),
		RespondedAt:  w.ResponseTime.Time(),
		Params:       raw(w.Paras),
		Result:       raw(w.Result),
	}, nil
}

// raw returns a JSON value as Command holds it: null is empty.
func raw(v jsontext.Value) stdjson.RawMessage {
	if len(v) == 0 || v.Kind() == 'n' {
		return nil
	}
	return stdjson.RawMessage(v)
}

// pageFrom converts a decoded list, checking what the platform promises: no
// more records than asked for, no negative expiry.
func pageFrom(out *wireList, limit int, requestID string) (pagination.Page[Command], error) {
	n := len(out.Commands)
	p, err := core.Page(n, limit, "commands", requestID, func(i int) (Command, error) { return out.Commands[i].command(i) })
	if err != nil {
		return p, err
	}
	if out.Page != nil && out.Page.Count != nil {
		p.Total, p.HasTotal = *out.Page.Count, true
	}
	if n > 0 && n == limit {
		if out.Page != nil && out.Page.Marker != "" {
			p.Next = out.Page.Marker
		} else {
			p.Next = p.Items[n-1].ID
		}
	}
	return p, nil
}

// commandFrom converts one decoded record, checking that it has an ID (the
// one asked for, when wantID is set).
func commandFrom(w *wireCommand, wantID, requestID string) (Command, error) {
	if w.CommandID == "" {
		return Command{}, fmt.Errorf("%w: the platform's answer has no command_id (request ID %s)",
			iotclient.ErrMalformedResponse, requestID)
	}
	if wantID != "" && w.CommandID != wantID {
		return Command{}, fmt.Errorf("%w: asked for command %q, the platform answered with %q (request ID %s)",
			iotclient.ErrMalformedResponse, wantID, w.CommandID, requestID)
	}
	cmd, err := w.command(-1)
	if err != nil {
		return Command{}, fmt.Errorf("%w: %v (request ID %s)", iotclient.ErrMalformedResponse, err, requestID)
	}
	return cmd, nil
}
