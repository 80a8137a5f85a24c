// Package perfdata supports the SDK's benchmarks: an in-memory
// http.RoundTripper that answers every request with one fixed body, and
// realistic page bodies taken from the mock server.
//
// It is used by benchmarks only, and builds on the mock server.
package perfdata

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Transport answers every request with status 200 and Body, as a server on
// the other end of a connection would, but without any I/O: each response
// gets its own header map and body reader, as net/http's transport would
// give it. It is safe for concurrent use.
type Transport struct {
	Body []byte
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":   {"application/json;charset=UTF-8"},
			"Content-Length": {strconv.Itoa(len(t.Body))},
			"X-Request-Id":   {"0123456789abcdef0123456789abcdef"},
		},
		Body:          io.NopCloser(bytes.NewReader(t.Body)),
		ContentLength: int64(len(t.Body)),
		Request:       req,
	}, nil
}

// HistoryBody returns the body of a page of n command-history records as
// the mock server answers it (every status the history holds, all four
// times where the status implies them), for device "dev-1".
func HistoryBody(n int) []byte {
	s := mockserver.New()
	defer s.Close()
	// Twice as many: PENDING and SENT commands are in the queue, not the
	// history, and the page must be full.
	s.SeedCommands("dev-1", 2*n, 1)
	return get(s, s.URL()+"/v5/iot/"+mockserver.ProjectID+"/devices/dev-1/async-commands-history?limit="+strconv.Itoa(n),
		func(r *http.Request) { r.Header.Set(mockserver.AuthTokenHeader, mockserver.Token) })
}

// StatesBody returns the body of a page of n client states as the mock
// server answers it.
func StatesBody(n int) []byte {
	s := mockserver.New()
	defer s.Close()
	s.SeedClients(n, 1)
	return get(s, s.URL()+"/api/v0002/clientconnectionstates?_limit="+strconv.Itoa(n),
		func(r *http.Request) { r.SetBasicAuth(mockserver.APIKey, mockserver.APIToken) })
}

func get(s *mockserver.Server, u string, auth func(*http.Request)) []byte {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		panic(err)
	}
	auth(req)
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		panic(fmt.Sprintf("perfdata: GET %s: %d %v: %s", u, resp.StatusCode, err, b))
	}
	return b
}
