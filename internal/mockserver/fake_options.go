package mockserver

import (
	"time"

	iotclient "github.com/iotclient/iotclient-go"
)

// FakeSettings is what the options of the public fakes (commandstest.Option,
// clientstatetest.Option) change: the options the mock starts with, in
// order. Their Option types are interfaces whose method takes this
// internal type, as iotclient.Option's takes the client settings, so only
// those packages provide options.
type FakeSettings struct {
	Options []Option
}

// Apply adds o to the options a public fake starts the mock with, which
// makes every Option of this package a commandstest.Option and a
// clientstatetest.Option.
func (o Option) Apply(s *FakeSettings) { s.Options = append(s.Options, o) }

// NewFake starts the mock behind a public fake's NewServer with that
// fake's options (nil ones change nothing), its reference time the
// current one unless an option sets it: the fakes share this so that they
// start alike.
func NewFake[O interface{ Apply(*FakeSettings) }](opts []O) *Server {
	s := FakeSettings{Options: []Option{WithReferenceTime(time.Now())}}
	for _, o := range opts {
		if any(o) != nil {
			o.Apply(&s)
		}
	}
	return New(s.Options...)
}

// FakeClient is a public fake's NewClient: newClient (the SDK package's
// NewClient) given the configuration config builds for MemoryURL and the
// in-memory HTTP client ahead of the caller's options, so that a caller's
// WithHTTPClient still wins.
func FakeClient[C, Cfg any](s *Server, config func(string) Cfg, newClient func(Cfg, ...iotclient.Option) (C, error), opts []iotclient.Option) (C, error) {
	opts = append([]iotclient.Option{iotclient.WithHTTPClient(s.MemoryClient())}, opts...)
	return newClient(config(MemoryURL), opts...)
}
