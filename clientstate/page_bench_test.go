package clientstate_test

import (
	"context"
	stdjson "encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver/perfdata"
)

// The per-page benchmarks (README, Performance, target 1) fetch one page of
// 50 client states through an in-memory transport that answers with a fixed
// body taken from the mock server.

// sdkPage returns one page fetch through the SDK, returning typed times and
// enums.
func sdkPage(tb testing.TB) func() error {
	tr := &perfdata.Transport{Body: perfdata.StatesBody(50)}
	c, err := clientstate.NewClient(clientstate.Config{OrgID: "ab12cd", Auth: auth.APIKey(testKey, testToken)},
		iotclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	return func() error {
		p, err := c.ListPage(ctx, clientstate.ListQuery{PageSize: 50})
		if err == nil && len(p.Items) != 50 {
			err = fmt.Errorf("%d states", len(p.Items))
		}
		return err
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

// decodeV1 and decodeV2 are the plain loops' decoders: encoding/json, and
// go-json-experiment/json (Go 1.27's encoding/json/v2).
func decodeV1(r io.Reader, v any) error { return stdjson.NewDecoder(r).Decode(v) }
func decodeV2(r io.Reader, v any) error { return json.UnmarshalRead(r, v) }

// plainPage returns one page fetch by a plain net/http GET with HTTP Basic
// credentials over the same transport, decoded by decode into a struct with
// string times.
func plainPage(decode func(io.Reader, any) error) func() error {
	tr := &perfdata.Transport{Body: perfdata.StatesBody(50)}
	hc := &http.Client{Transport: tr}
	u := "https://ab12cd.internetofthings.ibmcloud.com/api/v0002/clientconnectionstates?_limit=50"
	ctx := context.Background()
	return func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/json")
		req.SetBasicAuth(testKey, testToken)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		var page struct {
			Results  []plainState `json:"results"`
			Bookmark string       `json:"bookmark"`
		}
		err = decode(resp.Body, &page)
		resp.Body.Close()
		if err == nil && len(page.Results) != 50 {
			err = fmt.Errorf("%d states", len(page.Results))
		}
		return err
	}
}

func bench(b *testing.B, fetch func() error) {
	b.ReportAllocs()
	for b.Loop() {
		if err := fetch(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPage is the SDK's one-page call.
func BenchmarkListPage(b *testing.B) { bench(b, sdkPage(b)) }

// BenchmarkListPagePlain is the first baseline of BenchmarkListPage,
// decoded by encoding/json.
func BenchmarkListPagePlain(b *testing.B) { bench(b, plainPage(decodeV1)) }

// BenchmarkListPagePlainV2 is the second baseline, decoded by json v2.
func BenchmarkListPagePlainV2(b *testing.B) { bench(b, plainPage(decodeV2)) }

// A client-state page allocates at most twice what the plain json v2 loop
// does (the benchmarks' goal, checked on every test run).
func TestListPageAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	allocs := func(fetch func() error) float64 {
		return testing.AllocsPerRun(200, func() {
			if err := fetch(); err != nil {
				t.Fatal(err)
			}
		})
	}
	sdk, plain := allocs(sdkPage(t)), allocs(plainPage(decodeV2))
	t.Logf("allocations per page: SDK %.0f, plain json v2 %.0f", sdk, plain)
	if sdk > 2*plain {
		t.Errorf("a client-state page allocates %.0f times, more than twice the plain loop's %.0f", sdk, plain)
	}
}
