package notify_test

import (
	stdjson "encoding/json"
	"fmt"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

// benchDocs are device.command.status documents of the spec's shape, each
// for another command, so that no document is a duplicate of another.
func benchDocs() [][]byte {
	docs := make([][]byte, 4096)
	for i := range docs {
		docs[i] = fmt.Appendf(nil, `{"resource":"device.command.status","event":"update","event_time":"20151212T121212Z",
 "event_time_ms":"2015-12-12T12:12:12.000Z","request_id":"3fe58d5e-8697-4849-a165-%012d",
 "notify_data":{"header":{"app_id":"d4922d8a-6c8e-4396-852c-164aefa6638f",
   "device_id":"d4922d8a-6c8e-4396-852c-164aefa6638f","node_id":"ABC123456789",
   "product_id":"ABC123456789","gateway_id":"d4922d8a-6c8e-4396-852c-164aefa6638f",
   "tags":[{"tag_key":"testTagName","tag_value":"testTagValue"}]},
  "body":{"command_id":"b1224afb-e9f0-4916-8220-%012d","status":"SUCCESSFUL",
   "created_time":"20151212T121212Z","sent_time":"20151212T121212Z",
   "delivered_time":"20151212T121212Z","response_time":"20151212T131312Z",
   "result":{"code":200}}}}`, i, i)
	}
	return docs
}

// BenchmarkDecodeDispatch measures what each pushed command status costs
// on its way to the waits: Decode, then the stream of Deduplicate and
// CommandUpdates into a commands.Watcher (which remembers the final
// status). Besides ns/op (wall clock), cpu-ns/op is the process's CPU time
// per document, where the system reports it.
func BenchmarkDecodeDispatch(b *testing.B) {
	docs := benchDocs()
	w, err := commands.NewWatcher(commands.WatcherOptions{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := notify.NewDeduplicator(notify.DedupOptions{Memory: 1024})
	if err != nil {
		b.Fatal(err)
	}
	stream := func(yield func(notify.Notification, error) bool) {
		for i := 0; b.Loop(); i++ {
			n, err := notify.Decode(docs[i%len(docs)])
			if err != nil {
				b.Fatal(err)
			}
			if !yield(n, nil) {
				return
			}
		}
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	if err := w.Run(notify.CommandUpdates(d.Filter(stream))); err != nil {
		b.Fatal(err)
	}
}

// reportCPU starts measuring the process's CPU time; the function it
// returns reports it per operation as cpu-ns/op, where the system
// measures it. On a shared machine the wall clock of two benchmarks run
// one after the other can differ by half; their CPU times, less so.
func reportCPU(b *testing.B) func() {
	start, measured := processCPU()
	return func() {
		if end, _ := processCPU(); measured && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// plainDocument is the command status document in tagged structs with
// strings for times, the floor a decoder without checks or conversions
// reaches.
type plainDocument struct {
	Resource    string `json:"resource"`
	Event       string `json:"event"`
	EventTime   string `json:"event_time"`
	EventTimeMS string `json:"event_time_ms"`
	RequestID   string `json:"request_id"`
	NotifyData  struct {
		Header struct {
			AppID     string `json:"app_id"`
			DeviceID  string `json:"device_id"`
			NodeID    string `json:"node_id"`
			ProductID string `json:"product_id"`
			GatewayID string `json:"gateway_id"`
			Tags      []struct {
				Key   string `json:"tag_key"`
				Value string `json:"tag_value"`
			} `json:"tags"`
		} `json:"header"`
		Body struct {
			CommandID     string             `json:"command_id"`
			Status        string             `json:"status"`
			CreatedTime   string             `json:"created_time"`
			SentTime      string             `json:"sent_time"`
			DeliveredTime string             `json:"delivered_time"`
			ResponseTime  string             `json:"response_time"`
			Result        stdjson.RawMessage `json:"result"`
		} `json:"body"`
	} `json:"notify_data"`
}

// BenchmarkDecode is Decode alone, beside plain decodings of the same
// document into tagged structs with encoding/json and with json v2, each
// with its CPU time per document (see reportCPU) to compare them by.
func BenchmarkDecode(b *testing.B) {
	docs := benchDocs()
	b.Run("notify", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; b.Loop(); i++ {
			if _, err := notify.Decode(docs[i%len(docs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; b.Loop(); i++ {
			var p plainDocument
			if err := stdjson.Unmarshal(docs[i%len(docs)], &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-v2", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; b.Loop(); i++ {
			var p plainDocument
			if err := json.Unmarshal(docs[i%len(docs)], &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
