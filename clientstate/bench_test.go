package clientstate_test

import (
	"context"
	stdjson "encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// BenchmarkList walks 1,000 clients (10 pages of 100) from the mock server
// with the SDK.
func BenchmarkList(b *testing.B) {
	s := mockserver.New()
	defer s.Close()
	s.SeedClients(1000, 1)
	c, err := clientstate.NewClient(clientstate.Config{BaseURL: s.URL(), Auth: authForMock()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.List(context.Background(), clientstate.ListQuery{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("%d clients", n)
		}
	}
}

// BenchmarkListPlain does the same work with net/http and encoding/json
// into a plain struct, as a baseline for BenchmarkList.
func BenchmarkListPlain(b *testing.B) {
	s := mockserver.New()
	defer s.Close()
	s.SeedClients(1000, 1)
	type record struct {
		ID                   string    `json:"id"`
		ClientType           string    `json:"clientType"`
		ConnectionStatus     string    `json:"connectionStatus"`
		LastConnectTime      time.Time `json:"lastConnectTime"`
		LastDisconnectTime   time.Time `json:"lastDisconnectTime"`
		LastActivityTime     time.Time `json:"lastActivityTime"`
		LastActivityEvent    string    `json:"lastActivityEvent"`
		MQTTConnectProtocol  string    `json:"mqttConnectProtocol"`
		DisconnectedBy       string    `json:"disconnectedBy"`
		DisconnectReasonCode int       `json:"disconnectReasonCode"`
	}
	hc := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		n, bookmark := 0, ""
		for {
			u := s.URL() + "/api/v0002/clientconnectionstates?_limit=100"
			if bookmark != "" {
				u += "&_bookmark=" + bookmark
			}
			req, _ := http.NewRequest("GET", u, nil)
			req.SetBasicAuth(mockserver.APIKey, mockserver.APIToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Results  []record `json:"results"`
				Bookmark string   `json:"bookmark"`
			}
			err = stdjson.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Results)
			if page.Bookmark == "" {
				break
			}
			bookmark = page.Bookmark
		}
		if n != 1000 {
			b.Fatal(strconv.Itoa(n) + " clients")
		}
	}
}

// BenchmarkStateUnmarshal decodes one full record.
func BenchmarkStateUnmarshal(b *testing.B) {
	data := []byte(fullRecord)
	b.ReportAllocs()
	for b.Loop() {
		var st clientstate.State
		if err := stdjson.Unmarshal(data, &st); err != nil {
			b.Fatal(err)
		}
	}
}
