package core

import (
	"errors"
	"reflect"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeObject unmarshals data into v with json's strict defaults (no
// repeated names, valid UTF-8). data must be a JSON object: null would leave
// v empty, as if the platform had answered with nothing, and an array or a
// scalar is not a record. Every answer decoded into a struct goes through
// it, and State.UnmarshalJSON too.
func DecodeObject(data []byte, v any) error {
	switch jsontext.Value(data).Kind() {
	case '{', 0: // 0: empty or cut short, which Unmarshal reports
		return json.Unmarshal(data, v)
	case 'n':
		return errNull
	case '[':
		return errArray
	}
	return errScalar
}

var (
	errNull   = errors.New("the body is null, not a JSON object")
	errArray  = errors.New("the body is an array, not a JSON object")
	errScalar = errors.New("the body is a string, number or boolean, not a JSON object")
)

// decode unmarshals a response body into out: an object into a struct
// (DecodeObject), anything into other types (a list is an array).
func decode(body []byte, out any) error {
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		return DecodeObject(body, out)
	}
	return json.Unmarshal(body, out)
}
