package clientstate_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver/perfdata"
)

// The per-page benchmarks (README, Performance, target 1) fetch one page of
// 50 client states through an in-memory transport that answers with a fixed
// body taken from the mock server.

// BenchmarkListPage is the SDK's one-page call, returning typed times and
// enums.
func BenchmarkListPage(b *testing.B) {
	tr := &perfdata.Transport{Body: perfdata.StatesBody(50)}
	c, err := clientstate.NewClient(clientstate.Config{OrgID: "ab12cd", Auth: auth.APIKey(testKey, testToken)},
		iotclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.ListPage(ctx, clientstate.ListQuery{PageSize: 50})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Items) != 50 {
			b.Fatalf("%d states", len(p.Items))
		}
	}
}

// plainState is what a hand-written client would decode a record into:
// strings for times and enums.
type plainState struct {
	ID                   string `json:"id"`
	ClientType           string `json:"clientType"`
	ConnectionStatus     string `json:"connectionStatus"`
	LastConnectTime      string `json:"lastConnectTime"`
	LastDisconnectTime   string `json:"lastDisconnectTime"`
	LastActivityTime     string `json:"lastActivityTime"`
	LastActivityEvent    string `json:"lastActivityEvent"`
	MQTTConnectProtocol  string `json:"mqttConnectProtocol"`
	DisconnectedBy       string `json:"disconnectedBy"`
	DisconnectReasonCode int    `json:"disconnectReasonCode"`
}

// BenchmarkListPagePlain is the first baseline of BenchmarkListPage: a
// plain net/http GET with HTTP Basic credentials over the same transport,
// decoded by encoding/json into a struct with string times.
func BenchmarkListPagePlain(b *testing.B) {
	benchPlain(b, func(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) })
}

// BenchmarkListPagePlainV2 is the second baseline: the same loop decoded by
// go-json-experiment/json (Go 1.27's encoding/json/v2).
func BenchmarkListPagePlainV2(b *testing.B) {
	benchPlain(b, func(r io.Reader, v any) error { return jsonv2.UnmarshalRead(r, v) })
}

func benchPlain(b *testing.B, decode func(io.Reader, any) error) {
	tr := &perfdata.Transport{Body: perfdata.StatesBody(50)}
	hc := &http.Client{Transport: tr}
	u := "https://ab12cd.internetofthings.ibmcloud.com/api/v0002/clientconnectionstates?_limit=50"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		req.SetBasicAuth(testKey, testToken)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Results  []plainState `json:"results"`
			Bookmark string       `json:"bookmark"`
		}
		err = decode(resp.Body, &page)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Results) != 50 {
			b.Fatalf("%d states", len(page.Results))
		}
	}
}
