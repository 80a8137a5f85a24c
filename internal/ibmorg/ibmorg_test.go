package ibmorg_test

import (
	"errors"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
)

func TestDomain(t *testing.T) {
	for in, want := range map[string]string{"": clientstate.DefaultDomain, "eu-de.example.com": "eu-de.example.com"} {
		if got, err := ibmorg.Domain(in, clientstate.DefaultDomain); err != nil || got != want {
			t.Errorf("Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"evil.com/x?", "bad_domain", "-a.com", "a..com"} {
		var ve *iotclient.ValidationError
		if _, err := ibmorg.Domain(bad, clientstate.DefaultDomain); !errors.As(err, &ve) || ve.Field != "Config.Domain" {
			t.Errorf("Domain(%q): %v, want a ValidationError for Config.Domain", bad, err)
		}
	}
}

func TestResolve(t *testing.T) {
	if org, err := ibmorg.Resolve("Config.OrgID", "", auth.APIKey("a-ab12cd-xyz", "tok")); err != nil || org != "ab12cd" {
		t.Errorf("org from the key: %q, %v", org, err)
	}
	if org, err := ibmorg.Resolve("Config.OrgID", "zz99zz", auth.APIKey("a-ab12cd-xyz", "tok")); err != nil || org != "zz99zz" {
		t.Errorf("OrgID wins: %q, %v", org, err)
	}
	var ve *iotclient.ValidationError
	if _, err := ibmorg.Resolve("Config.OrgID", "", auth.APIKey("no-org", "tok")); !errors.As(err, &ve) || ve.Field != "Config.OrgID" {
		t.Errorf("no org: %v", err)
	}
}
