package commands

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/jsonscan"
)

// The fast decoder of a command list (a history or queue page). It reads the
// body once with a validating tokenizer, straight into Commands, instead of
// encoding/json's reflection into wireCommand and a conversion afterwards.
// It decodes exactly what encoding/json would into wireList (member names
// matched exactly, else case-insensitively; the last of repeated members
// wins; null leaves a field empty; invalid UTF-8 becomes U+FFFD), which
// FuzzDecodeHistory checks, and refuses what encoding/json would refuse
// (wrong types, bad syntax, truncation) with an error saying where.
//
// Memory: every string of a page is copied into one arena that becomes a
// single string, so the page's Commands share one allocation (kept alive as
// long as any of them is); status and send-strategy values the SDK knows
// are constants, and a value repeated within the page (the device ID, the
// command and service names) is stored once.

// DecodeJSON implements core.Decoder.
func (w *wireList) DecodeJSON(data []byte) error {
	d := listDecoders.Get().(*listDecoder)
	err := d.decode(w, data)
	d.release()
	return err
}

var _ core.Decoder = (*wireList)(nil)

var listDecoders = sync.Pool{New: func() any { return new(listDecoder) }}

// span locates a string: off >= 0 is an offset in the arena; off < 0 is
// constant -off-1 of known.
type span struct{ off, n int32 }

// known are values stored without copying.
var known = [...]string{
	string(StatusPending), string(StatusSent), string(StatusDelivered), string(StatusSuccessful),
	string(StatusFailed), string(StatusTimeout), string(StatusExpired),
	string(SendImmediately), string(SendDelay),
}

func knownSpan(b []byte) (span, bool) {
	var k int32
	switch string(b) {
	case "PENDING":
		k = 0
	case "SENT":
		k = 1
	case "DELIVERED":
		k = 2
	case "SUCCESSFUL":
		k = 3
	case "FAILED":
		k = 4
	case "TIMEOUT":
		k = 5
	case "EXPIRED":
		k = 6
	case "immediately":
		k = 7
	case "delay":
		k = 8
	default:
		return span{}, false
	}
	return span{-k - 1, 0}, true
}

// rawCommand is a record as read, before its strings are resolved.
type rawCommand struct {
	id, device, service, name, status, strategy span
	expire                                      int64
	times                                       [4]span // in tmp: created, sent, delivered, response
	paras, result                               span    // in raw; n < 0: absent
}

type listDecoder struct {
	s      jsonscan.Scanner
	arena  []byte       // string bytes, made one string at the end
	raw    []byte       // raw JSON of paras and result, copied once at the end
	tmp    []byte       // time texts: parsed, not kept
	recs   []rawCommand //
	recent [8]span      // values recently stored in the arena, for reuse
	next   int
}

func (d *listDecoder) release() {
	if cap(d.arena) > 1<<20 || cap(d.recs) > 1<<14 { // a huge page: let it go
		return
	}
	d.s.Reset(nil)
	listDecoders.Put(d)
}

// intern stores b in the arena unless the same value was stored recently.
func (d *listDecoder) intern(b []byte) span {
	if len(b) == 0 {
		return span{}
	}
	for _, sp := range d.recent {
		if int(sp.n) == len(b) && string(d.arena[sp.off:sp.off+sp.n]) == string(b) {
			return sp
		}
	}
	sp := span{int32(len(d.arena)), int32(len(b))}
	d.arena = append(d.arena, b...)
	d.recent[d.next] = sp
	d.next = (d.next + 1) % len(d.recent)
	return sp
}

// str reads a string member, keeping the value when the member is null.
func (d *listDecoder) str(dst *span) {
	if d.s.Null() {
		return
	}
	*dst = d.intern(d.s.String())
}

// enum reads a string member whose usual values are constants.
func (d *listDecoder) enum(dst *span) {
	if d.s.Null() {
		return
	}
	b := d.s.String()
	if sp, ok := knownSpan(b); ok {
		*dst = sp
		return
	}
	*dst = d.intern(b)
}

// text reads a string member into tmp (times: parsed later, not kept).
func (d *listDecoder) text(dst *span) {
	if d.s.Null() {
		return
	}
	b := d.s.String()
	*dst = span{int32(len(d.tmp)), int32(len(b))}
	d.tmp = append(d.tmp, b...)
}

// rawValue copies a member's raw JSON (encoding/json keeps even a null in
// a json.RawMessage).
func (d *listDecoder) rawValue(dst *span) {
	b := d.s.Raw()
	*dst = span{int32(len(d.raw)), int32(len(b))}
	d.raw = append(d.raw, b...)
}

// Member names of a command record, in the order of the switch below.
var commandMembers = [...]string{
	"device_id", "command_id", "service_id", "command_name", "paras", "expire_time", "status",
	"result", "created_time", "sent_time", "delivered_time", "response_time", "send_strategy",
}

// member matches a name as encoding/json matches a struct field: exactly,
// else ignoring case (Unicode simple folding). It returns -1 for a name
// that is not in names.
func member(name []byte, names []string) int {
	for i, n := range names {
		if string(name) == n {
			return i
		}
	}
	for i, n := range names {
		if bytes.EqualFold(name, []byte(n)) {
			return i
		}
	}
	return -1
}

func (d *listDecoder) decode(w *wireList, data []byte) error {
	d.arena, d.raw, d.tmp, d.recs = d.arena[:0], d.raw[:0], d.tmp[:0], d.recs[:0]
	d.recent, d.next = [8]span{}, 0
	s := &d.s
	s.Reset(data)
	if s.Peek() == jsonscan.Null {
		return errors.New("the body is null, not a command list")
	}
	var (
		page      *wirePage
		marker    span
		hasMarker bool
		count     int64
		hasCount  bool
		where     string // the member being read, for an error
		rec       = -1   // the record being read, for an error
		field     = -1   // its member being read
	)
	if s.Object() {
		for name, ok := s.Field(); ok; name, ok = s.Field() {
			switch member(name, []string{"commands", "page"}) {
			case 0:
				where = `"commands"`
				if s.Null() {
					d.recs = d.recs[:0]
					continue
				}
				d.recs = d.recs[:0] // a repeated member: the last one counts
				if !s.Array() {
					break
				}
				for s.Elem() {
					d.recs = append(d.recs, rawCommand{paras: span{n: -1}, result: span{n: -1}})
					if s.Null() {
						continue
					}
					rec = len(d.recs) - 1
					field = d.command(&d.recs[rec])
				}
				if s.Err() == nil {
					rec = -1
				}
			case 1:
				where = `"page"`
				if s.Null() {
					page, hasMarker, hasCount = nil, false, false
					continue
				}
				if !s.Object() {
					break
				}
				if page == nil {
					page = &wirePage{}
				}
				for name, ok := s.Field(); ok; name, ok = s.Field() {
					switch member(name, []string{"marker", "count"}) {
					case 0:
						where = `"page.marker"`
						if !s.Null() {
							marker, hasMarker = d.intern(s.String()), true
						}
					case 1:
						where = `"page.count"`
						if s.Null() {
							hasCount = false
						} else {
							count, hasCount = s.Int64(), true
						}
					default:
						s.Skip()
					}
				}
			default:
				where = "member " + strconv.Quote(string(name))
				s.Skip()
			}
		}
	}
	if s.Err() == nil {
		where = ""
	}
	s.End()
	if err := s.Err(); err != nil {
		if rec >= 0 {
			where = "command " + strconv.Itoa(rec) + " of \"commands\""
			if field >= 0 {
				where += ", member " + strconv.Quote(commandMembers[field])
			}
		}
		if where != "" {
			return fmt.Errorf("%s: %w", where, err)
		}
		return err
	}

	// Resolve the strings: one string for the arena, one copy of the raw
	// JSON, exactly sized Commands.
	all := string(d.arena)
	var raw []byte
	if len(d.raw) > 0 {
		raw = bytes.Clone(d.raw)
	}
	get := func(sp span) string {
		if sp.off < 0 {
			return known[-sp.off-1]
		}
		return all[sp.off : sp.off+sp.n]
	}
	cmds := make([]Command, len(d.recs))
	w.Commands, w.cmds, w.fast, w.convErr = nil, cmds, true, nil
	for i := range d.recs {
		r, c := &d.recs[i], &cmds[i]
		c.ID, c.DeviceID, c.ServiceID, c.Name = get(r.id), get(r.device), get(r.service), get(r.name)
		c.Status, c.SendStrategy = Status(get(r.status)), SendStrategy(get(r.strategy))
		c.Expire = time.Duration(r.expire) * time.Second
		if r.paras.n >= 0 {
			c.Params = raw[r.paras.off : r.paras.off+r.paras.n : r.paras.off+r.paras.n]
		}
		if r.result.n >= 0 {
			c.Result = raw[r.result.off : r.result.off+r.result.n : r.result.off+r.result.n]
		}
		if w.convErr != nil {
			continue
		}
		if r.expire < 0 {
			w.convErr = fmt.Errorf("command %q: negative expire_time %d", c.ID, r.expire)
			continue
		}
		if r.expire > int64(math.MaxInt64/time.Second) { // would wrap to a negative Expire
			w.convErr = fmt.Errorf("command %q: expire_time %d out of range", c.ID, r.expire)
			continue
		}
		for j, dst := range [4]*time.Time{&c.CreatedAt, &c.SentAt, &c.DeliveredAt, &c.RespondedAt} {
			b := d.tmp[r.times[j].off : r.times[j].off+r.times[j].n]
			t, ok := parseCompact(b)
			if !ok {
				w.convErr = fmt.Errorf("command %q: %s: time %q is not in the format yyyyMMddTHHmmssZ",
					c.ID, commandMembers[8+j], b)
				break
			}
			*dst = t
		}
	}
	if page != nil {
		if hasMarker {
			page.Marker = get(marker)
		}
		if hasCount {
			page.Count = &count
		}
	}
	w.Page = page
	return nil
}

// command reads one record object into r. After an error it returns the
// index in commandMembers of the member being read (-1 for none).
func (d *listDecoder) command(r *rawCommand) int {
	s := &d.s
	if !s.Object() {
		return -1
	}
	for name, ok := s.Field(); ok; name, ok = s.Field() {
		var i int
		switch string(name) { // the usual case, without member's loop
		case "device_id":
			i = 0
		case "command_id":
			i = 1
		case "service_id":
			i = 2
		case "command_name":
			i = 3
		case "expire_time":
			i = 5
		case "status":
			i = 6
		case "created_time":
			i = 8
		case "sent_time":
			i = 9
		case "delivered_time":
			i = 10
		case "response_time":
			i = 11
		case "send_strategy":
			i = 12
		default:
			i = member(name, commandMembers[:])
		}
		switch i {
		case 0:
			d.str(&r.device)
		case 1:
			d.str(&r.id)
		case 2:
			d.str(&r.service)
		case 3:
			d.str(&r.name)
		case 4:
			d.rawValue(&r.paras)
		case 5:
			if !s.Null() {
				r.expire = s.Int64()
			}
		case 6:
			d.enum(&r.status)
		case 7:
			d.rawValue(&r.result)
		case 8, 9, 10, 11:
			d.text(&r.times[i-8])
		case 12:
			d.enum(&r.strategy)
		default:
			s.Skip()
			continue
		}
		if s.Err() != nil {
			return i
		}
	}
	return -1
}

// parseCompact parses IoTDA's yyyyMMdd'T'HHmmss'Z' (UTC) as
// wire.ParseCompact does, from bytes and without time.Date's
// normalisation; empty is the zero time.
func parseCompact(b []byte) (time.Time, bool) {
	if len(b) == 0 {
		return time.Time{}, true
	}
	if len(b) != 16 || b[8] != 'T' || b[15] != 'Z' {
		return time.Time{}, false
	}
	for _, i := range [...]int{0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14} {
		if b[i] < '0' || b[i] > '9' {
			return time.Time{}, false
		}
	}
	d2 := func(i int) int { return int(b[i]-'0')*10 + int(b[i+1]-'0') }
	year := d2(0)*100 + d2(2)
	month, day := d2(4), d2(6)
	hour, min, sec := d2(9), d2(11), d2(13)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	unix := daysFromCivil(year, month, day)*86400 + int64(hour*3600+min*60+sec)
	return time.Unix(unix, 0).UTC(), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the given date of
// the proleptic Gregorian calendar (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
