package commands_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver/perfdata"
)

// The per-page benchmarks (README, Performance, target 1) fetch one page of
// 50 history records through an in-memory transport that answers with a
// fixed body taken from the mock server, so they measure the client's own
// cost per page: building, signing, sending, reading and decoding.

const benchEndpoint = "https://iotda.cn-north-4.myhuaweicloud.com"

// BenchmarkHistoryPage is the SDK's one-page call with AK/SK signing,
// returning typed times and enums.
func BenchmarkHistoryPage(b *testing.B) {
	tr := &perfdata.Transport{Body: perfdata.HistoryBody(50)}
	c, err := commands.NewClient(commands.Config{
		Endpoint:  benchEndpoint,
		ProjectID: unitProject,
		Auth:      auth.AKSK("HPUAEXAMPLEAK000001", "exampleSecretKey0123456789abcdefghijklmn"),
	}, iotclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.HistoryPage(ctx, "dev-1", commands.HistoryQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Items) != 50 {
			b.Fatalf("%d commands", len(p.Items))
		}
	}
}

// plainCommand is what a hand-written client would decode a record into:
// strings for times and enums, and only the members a history record has
// (the documented record has no paras or result: only the read-one call
// adds them), so the baseline does no work the page does not ask for.
type plainCommand struct {
	DeviceID      string `json:"device_id"`
	CommandID     string `json:"command_id"`
	ServiceID     string `json:"service_id"`
	CommandName   string `json:"command_name"`
	ExpireTime    int64  `json:"expire_time"`
	Status        string `json:"status"`
	CreatedTime   string `json:"created_time"`
	SentTime      string `json:"sent_time"`
	DeliveredTime string `json:"delivered_time"`
	ResponseTime  string `json:"response_time"`
	SendStrategy  string `json:"send_strategy"`
}

type plainHistory struct {
	Commands []plainCommand `json:"commands"`
	Page     struct {
		Marker string `json:"marker"`
	} `json:"page"`
}

// BenchmarkHistoryPagePlain is the baseline of BenchmarkHistoryPage: a
// plain net/http GET over the same transport, without signing, decoded by
// encoding/json into a struct with string times.
func BenchmarkHistoryPagePlain(b *testing.B) {
	benchPlain(b, func(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) })
}

// BenchmarkHistoryPagePlainV2 is the same loop decoded by
// go-json-experiment/json (Go 1.27's encoding/json/v2).
func BenchmarkHistoryPagePlainV2(b *testing.B) {
	benchPlain(b, func(r io.Reader, v any) error { return jsonv2.UnmarshalRead(r, v) })
}

func benchPlain(b *testing.B, decode func(io.Reader, any) error) {
	tr := &perfdata.Transport{Body: perfdata.HistoryBody(50)}
	hc := &http.Client{Transport: tr}
	u := benchEndpoint + "/v5/iot/" + unitProject + "/devices/dev-1/async-commands-history?limit=50"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page plainHistory
		err = decode(resp.Body, &page)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Commands) != 50 {
			b.Fatalf("%d commands", len(page.Commands))
		}
	}
}
