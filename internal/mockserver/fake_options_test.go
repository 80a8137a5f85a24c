package mockserver

import (
	"net/http"
	"testing"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
)

// fakeOption stands for a public fake's Option type.
type fakeOption interface{ Apply(*FakeSettings) }

// NewFake applies a fake's options in order, skips nil ones, and places
// the data before the current time unless an option says otherwise.
func TestNewFakeAppliesOptionsInOrderAndSkipsNil(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	s := NewFake([]fakeOption{nil, WithReferenceTime(at.Add(-time.Hour)), nil, WithReferenceTime(at)})
	defer s.Close()
	if got := s.ReferenceTime(); !got.Equal(at) {
		t.Errorf("reference time %v, want the last option's, %v", got, at)
	}

	before := time.Now().Add(-time.Second)
	d := NewFake[fakeOption](nil)
	defer d.Close()
	if got := d.ReferenceTime(); got.Before(before) || got.After(time.Now()) {
		t.Errorf("reference time %v without options, want about now", got)
	}
}

// FakeClient builds the client for MemoryURL with the in-memory HTTP
// client first, so that the caller's WithHTTPClient wins.
func TestFakeClientPutsTheCallersOptionsLast(t *testing.T) {
	s := New()
	defer s.Close()
	mine := &http.Client{}
	var url string
	var settings config.Settings
	newClient := func(u string, opts ...iotclient.Option) (*http.Client, error) {
		url = u
		for _, o := range opts {
			o.Apply(&settings)
		}
		return settings.HTTPClient, nil
	}
	identity := func(u string) string { return u }

	got, _ := FakeClient(s, identity, newClient, nil)
	if url != MemoryURL || got != s.MemoryClient() {
		t.Errorf("without options: %q, %p; want %q and the in-memory client", url, got, MemoryURL)
	}
	got, _ = FakeClient(s, identity, newClient, []iotclient.Option{iotclient.WithHTTPClient(mine)})
	if got != mine {
		t.Errorf("the caller's WithHTTPClient was overridden: %p, want %p", got, mine)
	}
}
