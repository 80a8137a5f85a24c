package commands

import (
	"cmp"
	"time"
)

// Supersedes reports whether c is a later state of its command than old,
// judged by the command's own times and statuses, never by arrival: pushed
// status changes come at least once and out of order. A final status (see
// Status.IsTerminal) supersedes a non-final one and is superseded by
// nothing, so the first final status known is the outcome (IoTDA never
// moves a command out of one). Between non-final states, the one with the
// later time (the latest of CreatedAt, SentAt, DeliveredAt, RespondedAt)
// wins, and at equal times the later status of PENDING, SENT, DELIVERED.
// A state equal to old does not supersede it.
func (c Command) Supersedes(old Command) bool {
	switch {
	case old.Status.IsTerminal():
		return false
	case c.Status.IsTerminal():
		return true
	}
	ct, ot := c.latestTime(), old.latestTime()
	if !ct.Equal(ot) {
		return ct.After(ot)
	}
	return c.Status.progress() > old.Status.progress()
}

// latestTime is the latest of the command's times.
func (c *Command) latestTime() time.Time {
	t := c.CreatedAt
	for _, u := range [...]time.Time{c.SentAt, c.DeliveredAt, c.RespondedAt} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// progress ranks the non-final statuses in lifecycle order; 0 for the
// others.
func (s Status) progress() int {
	switch s {
	case StatusPending:
		return 1
	case StatusSent:
		return 2
	case StatusDelivered:
		return 3
	}
	return 0
}

// withKnown returns the pushed state c with the fields a push does not
// carry (name, service, parameters, strategy, expiry) taken from known, a
// state of the same command read earlier.
func (c Command) withKnown(known Command) Command {
	if known.ID != c.ID {
		return c
	}
	c.DeviceID = cmp.Or(c.DeviceID, known.DeviceID)
	c.ServiceID = cmp.Or(c.ServiceID, known.ServiceID)
	c.Name = cmp.Or(c.Name, known.Name)
	c.SendStrategy = cmp.Or(c.SendStrategy, known.SendStrategy)
	c.Expire = cmp.Or(c.Expire, known.Expire)
	if len(c.Params) == 0 {
		c.Params = known.Params
	}
	for _, p := range [...]struct{ dst, src *time.Time }{
		{&c.CreatedAt, &known.CreatedAt}, {&c.SentAt, &known.SentAt},
		{&c.DeliveredAt, &known.DeliveredAt}, {&c.RespondedAt, &known.RespondedAt},
	} {
		if p.dst.IsZero() {
			*p.dst = *p.src
		}
	}
	return c
}
