package mockserver

import (
	"slices"
	"strconv"
	"strings"
)

// The device search's SQL dialect, as the platform documents it:
//
//	select {* | count(*) | count(1) | field[, field...]} from device
//	  [where cond {and | or} cond ...] [order by marker [asc | desc]]
//	  [limit [offset,] rows]
//
// at most MaxSearchSQL characters; keywords in any case, values
// case-sensitive; at most MaxSearchConditions conditions, without
// parentheses, AND binding tighter than OR; rows 1-50 (default 10), offset
// 0-500. A condition is field op 'value' with op one of = != <> < > <= >=
// (the platform's operator table is unconfirmed; only = is known to work);
// a quote inside a value is doubled (''). Without order by, the platform's
// order is random: the fake answers in device ID order, which is not the
// record ID's, so a client that pages without it is caught.

// Limits of the device search.
const (
	MaxSearchSQL        = 400 // characters of the SQL
	MaxSearchConditions = 5   // conditions in the where clause
	MaxSearchRows       = 50  // rows of limit
	MaxSearchOffset     = 500 // offset of limit
	defaultSearchRows   = 10
)

// searchFields are the fields a condition or the select list may name.
var searchFields = []string{"app_id", "device_id", "gateway_id", "product_id", "device_name", "node_id", "status", "node_type", "marker"}

type searchCond struct {
	field, op, value string
}

// searchStmt is a parsed search: where is OR of ANDs.
type searchStmt struct {
	count        bool
	fields       []string // nil: every field
	where        [][]searchCond
	ordered      bool
	desc         bool
	offset, rows int
}

type token struct {
	kind byte // 'i' identifier or keyword, 'n' number, 's' string, 'p' punctuation, 0 end
	text string
}

// lex splits the SQL into tokens; ok is false on a character it does not
// know or a string left open.
func lex(sql string) ([]token, bool) {
	var out []token
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z' || sql[j] >= '0' && sql[j] <= '9') {
				j++
			}
			out = append(out, token{'i', sql[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				j++
			}
			out = append(out, token{'n', sql[i:j]})
			i = j
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(sql) {
					return nil, false
				}
				if sql[j] == '\'' {
					if j+1 < len(sql) && sql[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(sql[j])
				j++
			}
			out = append(out, token{'s', b.String()})
			i = j + 1
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(sql) && (sql[i+1] == '=' || c == '<' && sql[i+1] == '>') {
				out = append(out, token{'p', sql[i : i+2]})
				i += 2
			} else if c == '!' {
				return nil, false
			} else {
				out = append(out, token{'p', sql[i : i+1]})
				i++
			}
		case c == '*' || c == ',' || c == '(' || c == ')' || c == '=':
			out = append(out, token{'p', sql[i : i+1]})
			i++
		default:
			return nil, false
		}
	}
	return out, true
}

// parser walks the tokens.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

// keyword consumes the keyword kw (any case) when it comes next.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == 'p' && t.text == s {
		p.pos++
		return true
	}
	return false
}

func searchErr(msg string) *iotdaErr {
	return badInput("The sql is invalid: " + msg + ".")
}

// parseSearch parses and checks a search's SQL.
func parseSearch(sql string) (*searchStmt, *iotdaErr) {
	if n := len([]rune(sql)); n > MaxSearchSQL {
		return nil, searchErr("it is " + strconv.Itoa(n) + " characters long, above 400")
	}
	toks, ok := lex(sql)
	if !ok {
		return nil, searchErr("it holds an unknown character or an unclosed string")
	}
	p := &parser{toks: toks}
	st := &searchStmt{rows: defaultSearchRows}
	if !p.keyword("select") {
		return nil, searchErr("it must start with select")
	}
	if e := p.selectList(st); e != nil {
		return nil, e
	}
	if !p.keyword("from") || !p.keyword("device") {
		return nil, searchErr("the only table is device: select ... from device")
	}
	if p.keyword("where") {
		if e := p.where(st); e != nil {
			return nil, e
		}
	}
	if p.keyword("order") {
		if !p.keyword("by") || !p.keyword("marker") {
			return nil, searchErr("order by takes marker only")
		}
		st.ordered = true
		if p.keyword("desc") {
			st.desc = true
		} else {
			p.keyword("asc")
		}
	}
	if p.keyword("limit") {
		if e := p.limit(st); e != nil {
			return nil, e
		}
	}
	if t := p.peek(); t.kind != 0 {
		return nil, searchErr("unexpected " + strconv.Quote(t.text))
	}
	return st, nil
}

func (p *parser) selectList(st *searchStmt) *iotdaErr {
	switch {
	case p.punct("*"):
		return nil
	case p.keyword("count"):
		if !p.punct("(") || !(p.punct("*") || p.peek().text == "1" && p.next().kind == 'n') || !p.punct(")") {
			return searchErr("count takes * or 1")
		}
		st.count = true
		return nil
	}
	for {
		t := p.next()
		if t.kind != 'i' || !slices.Contains(searchFields, strings.ToLower(t.text)) {
			return searchErr("unknown field " + strconv.Quote(t.text))
		}
		st.fields = append(st.fields, strings.ToLower(t.text))
		if !p.punct(",") {
			return nil
		}
	}
}

func (p *parser) where(st *searchStmt) *iotdaErr {
	group := []searchCond{}
	n := 0
	for {
		f := p.next()
		if f.kind != 'i' || !slices.Contains(searchFields, strings.ToLower(f.text)) {
			return searchErr("unknown field " + strconv.Quote(f.text) + " in where")
		}
		op := p.next()
		switch op.text {
		case "=", "!=", "<>", "<", ">", "<=", ">=":
		default:
			return searchErr("unsupported operator " + strconv.Quote(op.text))
		}
		v := p.next()
		if v.kind != 's' && v.kind != 'n' {
			return searchErr("a value must be a quoted string")
		}
		if n++; n > MaxSearchConditions {
			return searchErr("more than 5 conditions")
		}
		group = append(group, searchCond{strings.ToLower(f.text), op.text, v.text})
		switch {
		case p.keyword("and"):
		case p.keyword("or"):
			st.where = append(st.where, group)
			group = []searchCond{}
		default:
			st.where = append(st.where, group)
			return nil
		}
	}
}

func (p *parser) limit(st *searchStmt) *iotdaErr {
	a := p.next()
	if a.kind != 'n' {
		return searchErr("limit takes numbers")
	}
	x, _ := strconv.Atoi(a.text)
	st.offset, st.rows = 0, x
	if p.punct(",") {
		b := p.next()
		if b.kind != 'n' {
			return searchErr("limit takes numbers")
		}
		st.offset = x
		st.rows, _ = strconv.Atoi(b.text)
	}
	switch {
	case st.rows < 1 || st.rows > MaxSearchRows:
		return searchErr("rows must be between 1 and 50")
	case st.offset > MaxSearchOffset:
		return searchErr("the offset must be at most 500")
	}
	return nil
}

func fieldOf(d *Device, field string) string {
	switch field {
	case "app_id":
		return d.AppID
	case "device_id":
		return d.ID
	case "gateway_id":
		return d.GatewayID
	case "product_id":
		return d.ProductID
	case "device_name":
		return d.Name
	case "node_id":
		return d.NodeID
	case "status":
		return d.Status
	case "node_type":
		return d.NodeType
	case "marker":
		return d.Marker
	}
	return ""
}

func (c *searchCond) holds(d *Device) bool {
	v := fieldOf(d, c.field)
	switch c.op {
	case "=":
		return v == c.value
	case "!=", "<>":
		return v != c.value
	case "<":
		return v < c.value
	case ">":
		return v > c.value
	case "<=":
		return v <= c.value
	}
	return v >= c.value
}

func (st *searchStmt) matches(d *Device) bool {
	if len(st.where) == 0 {
		return true
	}
	for _, group := range st.where {
		all := true
		for i := range group {
			if !group[i].holds(d) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// run answers the search over the devices in record ID order.
func (st *searchStmt) run(devs []*device) any {
	matched := make([]*Device, 0)
	for _, d := range devs {
		if st.matches(&d.info) {
			matched = append(matched, &d.info)
		}
	}
	if st.count {
		return map[string]int{"count": len(matched)}
	}
	switch {
	case !st.ordered:
		slices.SortFunc(matched, func(a, b *Device) int { return strings.Compare(a.ID, b.ID) })
	case st.desc:
		slices.Reverse(matched)
	}
	matched = matched[min(st.offset, len(matched)):]
	matched = matched[:min(st.rows, len(matched))]
	out := make([]any, len(matched))
	for i, d := range matched {
		rec := toDeviceRecord(d, recordSearch)
		if st.fields == nil {
			out[i] = rec
			continue
		}
		m := make(map[string]string, len(st.fields))
		for _, f := range st.fields {
			m[f] = fieldOf(d, f)
		}
		out[i] = m
	}
	return map[string]any{"devices": out}
}
