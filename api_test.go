package iotclient_test

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/commands"
)

// Raw JSON is one type in the whole public API, encoding/json's
// RawMessage, so a program writes the same code on every Go version.
func TestRawJSONIsOneType(t *testing.T) {
	want := reflect.TypeFor[stdjson.RawMessage]()
	field := func(t reflect.Type, name string) reflect.Type {
		f, _ := t.FieldByName(name)
		return f.Type
	}
	for name, got := range map[string]reflect.Type{
		"clientstate.State.Extra": field(reflect.TypeFor[clientstate.State](), "Extra").Elem(),
		"live.Event.Extra":        field(reflect.TypeFor[live.Event](), "Extra").Elem(),
		"commands.Command.Params": field(reflect.TypeFor[commands.Command](), "Params"),
		"commands.Command.Result": field(reflect.TypeFor[commands.Command](), "Result"),
	} {
		if got != want {
			t.Errorf("%s holds %v, want %v", name, got, want)
		}
	}
}
