package commands_test

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
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver/perfdata"
)

// The per-page benchmarks (README, Performance, target 1) fetch one page of
// 50 history records through an in-memory transport that answers with a
// fixed body taken from the mock server, so they measure the client's own
// cost per page: building, signing, sending, reading and decoding.

const benchEndpoint = "https://iotda.cn-north-4.myhuaweicloud.com"

// sdkPage returns one page fetch through the SDK with AK/SK signing,
// returning typed times and enums.
func sdkPage(tb testing.TB) func() error {
	tr := &perfdata.Transport{Body: perfdata.HistoryBody(50)}
	c, err := commands.NewClient(commands.Config{
		Endpoint:  benchEndpoint,
		ProjectID: unitProject,
		Auth:      auth.AKSK("HPUAEXAMPLEAK000001", "exampleSecretKey0123456789abcdefghijklmn"),
	}, iotclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	return func() error {
		p, err := c.HistoryPage(ctx, "dev-1", commands.HistoryQuery{})
		if err == nil && len(p.Items) != 50 {
			err = fmt.Errorf("%d commands", len(p.Items))
		}
		return err
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

// decodeV1 and decodeV2 are the plain loops' decoders: encoding/json, and
// go-json-experiment/json (Go 1.27's encoding/json/v2).
func decodeV1(r io.Reader, v any) error { return stdjson.NewDecoder(r).Decode(v) }
func decodeV2(r io.Reader, v any) error { return json.UnmarshalRead(r, v) }

// plainPage returns one page fetch by a plain net/http GET over the same
// transport, without signing, decoded by decode into a struct with string
// times.
func plainPage(decode func(io.Reader, any) error) func() error {
	tr := &perfdata.Transport{Body: perfdata.HistoryBody(50)}
	hc := &http.Client{Transport: tr}
	u := benchEndpoint + "/v5/iot/" + unitProject + "/devices/dev-1/async-commands-history?limit=50"
	ctx := context.Background()
	return func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		var page plainHistory
		err = decode(resp.Body, &page)
		resp.Body.Close()
		if err == nil && len(page.Commands) != 50 {
			err = fmt.Errorf("%d commands", len(page.Commands))
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

// BenchmarkHistoryPage is the SDK's one-page call.
func BenchmarkHistoryPage(b *testing.B) { bench(b, sdkPage(b)) }

// BenchmarkHistoryPagePlain is the baseline of BenchmarkHistoryPage decoded
// by encoding/json.
func BenchmarkHistoryPagePlain(b *testing.B) { bench(b, plainPage(decodeV1)) }

// BenchmarkHistoryPagePlainV2 is the same loop decoded by json v2.
func BenchmarkHistoryPagePlainV2(b *testing.B) { bench(b, plainPage(decodeV2)) }

// A history page allocates at most twice what the plain json v2 loop does
// (the benchmarks' goal, checked on every test run): a change that makes
// the decoder, the signer or the core allocate per record fails here.
func TestHistoryPageAllocs(t *testing.T) {
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
		t.Errorf("a history page allocates %.0f times, more than twice the plain loop's %.0f", sdk, plain)
	}
}
