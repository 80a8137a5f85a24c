package wire

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// PushTime is a time in a document IoTDA forwards (data forwarding), which
// uses both of IoTDA's formats: compact UTC (event_time, the command
// times, last_online_time: 20151212T121212Z, with an optional fraction) and
// RFC 3339 with milliseconds (event_time_ms, status_update_time:
// 2015-12-12T12:12:12.815Z). Either is accepted in every field, because the
// pages disagree on which field uses which. null and "" are the zero time.
type PushTime time.Time

// Time returns t as a time.Time, in UTC.
func (t PushTime) Time() time.Time { return time.Time(t) }

// maxShownTime bounds how much of a bad time an error repeats: a hostile
// document may hold a megabyte there.
const maxShownTime = 40

// UnmarshalJSONFrom reads a JSON string in either format, "" or null.
func (t *PushTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return readTime(dec, (*time.Time)(t), pushFormat)
}

// ParsePush parses a time in either of IoTDA's formats (see PushTime); ""
// is the zero time. The compact form is told from RFC 3339 by its lack of
// '-'.
func ParsePush(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	var err error
	if strings.IndexByte(s, '-') < 0 {
		t, err = ParseCompact(s)
	} else {
		t, err = ParseIBM(s)
	}
	if err != nil {
		shown := s
		if len(shown) > maxShownTime {
			shown = shown[:maxShownTime] + "…"
		}
		return time.Time{}, fmt.Errorf("time %q is neither yyyyMMddTHHmmss[.SSS]Z nor yyyy-MM-ddTHH:mm:ss.SSSZ", strings.Clone(shown))
	}
	return t, nil
}
