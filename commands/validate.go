package commands

import (
	"regexp"
	"strconv"

	iotclient "github.com/iotclient/iotclient-go"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkID applies IoTDA's rule for device and command IDs: 1 to max
// characters of letters, digits, '_' and '-'.
func checkID(field, v string, max int) error {
	switch {
	case v == "":
		return iotclient.NewValidationError(field, "", "is required")
	case len(v) > max:
		return iotclient.NewValidationError(field, v, "is "+strconv.Itoa(len(v))+" characters long; at most "+strconv.Itoa(max)+" are allowed")
	case !idPattern.MatchString(v):
		return iotclient.NewValidationError(field, v, "may contain only letters, digits, '_' and '-'")
	}
	return nil
}
