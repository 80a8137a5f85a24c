package main

import (
	"bytes"
	stdjson "encoding/json"
	"time"
	"unicode/utf8"

	"github.com/iotclient/iotclient-go/notify"
)

// notificationRow is what watch prints of one notification: its envelope,
// and what its resource says in three cells (see rowOf).
type notificationRow struct {
	n *notify.Notification
	// command is the command a device.command.status document is about.
	command string
	// status is the command's or the device's new status.
	status string
	// detail is the rest, in a few words for the table: the command's
	// result, the device's last time online, another resource's body.
	detail string
	// lastOnline is a device.status document's last_online_time.
	lastOnline time.Time
	// result is a command's result as raw JSON.
	result stdjson.RawMessage
}

// maxDetail bounds the table's DETAIL cell: a device message may be a
// megabyte, which jsonl and csv carry whole in body.
const maxDetail = 100

// rowOf is the one place that says how each resource reads in a row, for
// every format.
func rowOf(n *notify.Notification) notificationRow {
	r := notificationRow{n: n}
	switch {
	case n.Command != nil:
		r.command, r.status, r.result = n.Command.CommandID, string(n.Command.Status), n.Command.Result
		if len(r.result) > 0 {
			r.detail = "result " + compactJSON(r.result)
		}
	case n.Device != nil:
		r.status, r.lastOnline = string(n.Device.Status), n.Device.LastOnlineAt
		if !r.lastOnline.IsZero() {
			r.detail = "last online " + r.lastOnline.UTC().Format(time.RFC3339)
		}
	default:
		r.detail = compactJSON(n.Body)
	}
	if utf8.RuneCountInString(r.detail) > maxDetail {
		r.detail = string([]rune(r.detail)[:maxDetail-1]) + "…"
	}
	return r
}

// compactJSON is raw JSON on one line (as it came, when it is not JSON).
func compactJSON(raw []byte) string {
	var b bytes.Buffer
	if stdjson.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// notificationColumns are the fields of a notification. The table shows a
// summary, streamed in fixed-width columns; jsonl and csv every field,
// the body whole.
var notificationColumns = []column[notificationRow]{
	{key: "time", title: "TIME", table: true, width: 20, get: func(r *notificationRow) cell { return stamp(r.n.Time) }},
	{key: "resource", title: "RESOURCE", table: true, width: len(notify.ResourceCommandStatus), get: func(r *notificationRow) cell {
		return text(string(r.n.Resource))
	}},
	{key: "event", title: "EVENT", get: func(r *notificationRow) cell { return text(string(r.n.Event)) }},
	{key: "request_id", title: "REQUEST ID", get: func(r *notificationRow) cell { return optText(r.n.RequestID) }},
	{key: "device_id", title: "DEVICE", table: true, width: 16, get: func(r *notificationRow) cell { return optText(r.n.Header.DeviceID) }},
	{key: "product_id", title: "PRODUCT", get: func(r *notificationRow) cell { return optText(r.n.Header.ProductID) }},
	{key: "command_id", title: "COMMAND", table: true, width: 24, get: func(r *notificationRow) cell { return optText(r.command) }},
	{key: "status", title: "STATUS", table: true, width: 10, get: func(r *notificationRow) cell { return optText(r.status) }},
	{key: "detail", title: "DETAIL", tableOnly: true, get: func(r *notificationRow) cell { return optText(r.detail) }},
	{key: "result", title: "RESULT", get: func(r *notificationRow) cell { return rawJSON(r.result) }},
	{key: "last_online", title: "LAST ONLINE", get: func(r *notificationRow) cell { return stamp(r.lastOnline) }},
	{key: "body", title: "BODY", get: func(r *notificationRow) cell { return rawJSON(r.n.Body) }},
}
