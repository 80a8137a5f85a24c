package envvar

import (
	"errors"
	"strings"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

func lookup(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// An empty variable counts as unset, as `VAR=` in a shell means.
func TestReadTreatsEmptyAsUnset(t *testing.T) {
	if _, set := Read(lookup(map[string]string{IBMOrg: ""}), IBM); set {
		t.Error("an empty variable counted as set")
	}
	v, set := Read(lookup(map[string]string{IBMOrg: "ab12cd", IoTDAAK: "x"}), IBM)
	if !set || v[IBMOrg] != "ab12cd" || v[IoTDAAK] != "" {
		t.Errorf("Read = %v, %v", v, set)
	}
}

// Rename names the variable, keeps the sentinel, and drops the value of a
// secret.
func TestRename(t *testing.T) {
	err := Rename(invalid.Field("auth.Token", "tok-secret", "bad"), map[string]string{"auth.Token": IoTDAToken})
	var ve *iotclient.ValidationError
	if !errors.As(err, &ve) || ve.Field != IoTDAToken || ve.Value != "" || !errors.Is(err, iotclient.ErrInvalidArgument) {
		t.Errorf("Rename = %#v", err)
	}
	err = Rename(invalid.Field("Config.ProjectID", "p/1", "bad"), map[string]string{"Config.ProjectID": IoTDAProjectID})
	if !errors.As(err, &ve) || ve.Field != IoTDAProjectID || ve.Value != "p/1" {
		t.Errorf("Rename = %#v", err)
	}
	if Rename(nil, nil) != nil {
		t.Error("Rename(nil) is not nil")
	}
	other := errors.New("other")
	if Rename(other, nil) != other {
		t.Error("Rename changed an error that is not a ValidationError")
	}
}

func TestNotSetListsTheVariables(t *testing.T) {
	err := NotSet(IBM)
	if !errors.Is(err, iotclient.ErrNoConfig) || !strings.Contains(err.Error(), IBMAPIToken) {
		t.Errorf("NotSet = %v", err)
	}
}

// checked is a credential with its own check.
type checked struct{ err error }

func (c checked) Validate() error { return c.err }

// Load refuses an environment with none of the names set; Validate runs a
// credential's check and names the variable in its error, and passes a
// credential without a check.
func TestLoadAndValidate(t *testing.T) {
	if _, err := Load(lookup(nil), IBM); !errors.Is(err, iotclient.ErrNoConfig) {
		t.Errorf("Load of nothing = %v, want ErrNoConfig", err)
	}
	if v, err := Load(lookup(map[string]string{IBMOrg: "ab12cd"}), IBM); err != nil || v[IBMOrg] != "ab12cd" {
		t.Errorf("Load = %v, %v", v, err)
	}
	err := Validate(checked{invalid.Field("auth.Token", "tok-secret", "bad")}, map[string]string{"auth.Token": IoTDAToken})
	var ve *iotclient.ValidationError
	if !errors.As(err, &ve) || ve.Field != IoTDAToken || ve.Value != "" {
		t.Errorf("Validate = %#v", err)
	}
	if err := Validate(checked{}, nil); err != nil {
		t.Errorf("Validate of a valid credential = %v", err)
	}
	if err := Validate("no check", nil); err != nil {
		t.Errorf("Validate of a credential without a check = %v", err)
	}
}
