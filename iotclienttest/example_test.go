package iotclienttest_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

// ExampleTransport reaches a handler in memory, as the fakes' clients
// reach the fakes: the host of the URL is never looked up.
func ExampleTransport() {
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s for %s", r.Method, r.URL.Path, r.Host)
	})
	client := &http.Client{Transport: iotclienttest.Transport(receiver)}
	resp, err := client.Get("http://receiver.test/push")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 GET /push for receiver.test
}
