package invalid_test

import (
	"errors"
	"strings"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

func TestFieldShortensTheValue(t *testing.T) {
	err := invalid.Field("HistoryQuery.PageSize", strings.Repeat("9", 100), "must be between 1 and 50")
	if !errors.Is(err, iotclient.ErrInvalidArgument) {
		t.Fatalf("%v does not match ErrInvalidArgument", err)
	}
	if want := strings.Repeat("9", 64) + "…"; err.Value != want {
		t.Errorf("Value = %q, want %q", err.Value, want)
	}
	if !strings.Contains(err.Error(), "HistoryQuery.PageSize") || !strings.Contains(err.Error(), "must be between 1 and 50") {
		t.Errorf("%q does not name the field and the reason", err.Error())
	}
}

func TestFieldKeepsAShortValue(t *testing.T) {
	err := invalid.Field("deviceID", "dev/1", "may contain only letters, digits, '_' and '-'")
	if err.Field != "deviceID" || err.Value != "dev/1" || err.Reason != "may contain only letters, digits, '_' and '-'" {
		t.Errorf("got %+v", *err)
	}
}
