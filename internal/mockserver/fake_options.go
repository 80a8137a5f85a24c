package mockserver

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
