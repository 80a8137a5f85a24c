package iotclient_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// countingTransport stands for a tracing or metrics RoundTripper: it sees
// every attempt, after the SDK has signed it.
type countingTransport struct {
	next   http.RoundTripper
	n      atomic.Int64
	signed atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	if r.Header.Get("Authorization") != "" {
		t.signed.Add(1)
	}
	return t.next.RoundTrip(r)
}

func ExampleWithHTTPClient() {
	srv := commandstest.NewServer() // a fake IoTDA; real code uses the platform's endpoint
	defer srv.Close()
	srv.Seed("device-1", 120, 1)

	tr := &countingTransport{next: http.DefaultTransport}
	c, err := commands.NewClient(srv.Config(), iotclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		panic(err)
	}
	for _, err := range c.History(context.Background(), "device-1", commands.HistoryQuery{}) {
		if err != nil {
			panic(err)
		}
	}
	fmt.Println("attempts seen:", tr.n.Load(), "signed:", tr.signed.Load())
	// Output: attempts seen: 3 signed: 3
}
