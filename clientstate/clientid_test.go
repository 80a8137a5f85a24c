package clientstate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

func TestParseClientIDValid(t *testing.T) {
	long := strings.Repeat("x", 36)
	tests := []struct {
		in   string
		want clientstate.ClientID
	}{
		{"d:ab12cd:sensor:s-1", clientstate.ClientID{Kind: clientstate.KindDevice, Org: "ab12cd", TypeID: "sensor", DeviceID: "s-1"}},
		{"g:ab12cd:gw.type:gw_01", clientstate.ClientID{Kind: clientstate.KindGateway, Org: "ab12cd", TypeID: "gw.type", DeviceID: "gw_01"}},
		{"a:ab12cd:dashboard", clientstate.ClientID{Kind: clientstate.KindApp, Org: "ab12cd", AppID: "dashboard"}},
		{"A:ab12cd:worker", clientstate.ClientID{Kind: clientstate.KindScalableApp, Org: "ab12cd", AppID: "worker"}},
		{"A:ab12cd:worker:i-7", clientstate.ClientID{Kind: clientstate.KindScalableApp, Org: "ab12cd", AppID: "worker", InstanceID: "i-7"}},
		{"d:ORG9:" + long + ":" + long, clientstate.ClientID{Kind: clientstate.KindDevice, Org: "ORG9", TypeID: long, DeviceID: long}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, err := clientstate.ParseClientID(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, id)
			assert.Equal(t, tt.in, id.String())
		})
	}
}

func TestParseClientIDInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"x:org",
		"x:ab12cd:sensor:s-1",
		"dd:ab12cd:sensor:s-1",
		"d:ab12cd:sensor",         // too few parts
		"d:ab12cd:sensor:s-1:x",   // too many
		"a:ab12cd:app:extra",      // application with an instance
		"A:ab12cd:app:inst:extra", // too many
		"d::sensor:s-1",           // empty org
		"d:ab12cd::s-1",           // empty type
		"d:ab12cd:sensor:",        // empty device
		"A:ab12cd:app:",           // empty instance
		"d:ab-12:sensor:s-1",      // org not alphanumeric
		"d:ab12cd:" + strings.Repeat("t", 37) + ":s-1",
		"d:ab12cd:sensor:" + strings.Repeat("s", 37),
		"d:ab12cd:sensor:a/b",
		"d:ab12cd:sensor:a?b",
		"d:ab12cd:sensor:a b",
		"d:ab12cd:sensor:a%3Ab",
		"d:ab12cd:sensor:é",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := clientstate.ParseClientID(in)
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "clientID", ve.Field)
			assert.True(t, errors.Is(err, iotclient.ErrInvalidArgument))
		})
	}
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "device", clientstate.KindDevice.String())
	assert.Equal(t, "gateway", clientstate.KindGateway.String())
	assert.Equal(t, "application", clientstate.KindApp.String())
	assert.Equal(t, "scalable application", clientstate.KindScalableApp.String())
	assert.Equal(t, "Kind('x')", clientstate.Kind('x').String())
}

func FuzzParseClientID(f *testing.F) {
	for _, s := range []string{
		"d:ab12cd:sensor:s-1", "g:ab12cd:gw:g.1", "a:ab12cd:app", "A:ab12cd:app",
		"A:ab12cd:app:inst_1", "x:org", "d:ab12cd::x", "d:ab12cd:a/b:c", ":::", "",
		"d:" + strings.Repeat("o", 36) + ":" + strings.Repeat("t", 36) + ":" + strings.Repeat("d", 37),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := clientstate.ParseClientID(s)
		if err != nil {
			var ve *iotclient.ValidationError
			if !errors.As(err, &ve) || ve.Field != "clientID" {
				t.Fatalf("ParseClientID(%q): error %v is not a clientID *ValidationError", s, err)
			}
			return
		}
		if got := id.String(); got != s {
			t.Fatalf("ParseClientID(%q).String() = %q", s, got)
		}
		again, err := clientstate.ParseClientID(id.String())
		if err != nil || again != id {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", s, again, err, id)
		}
	})
}
