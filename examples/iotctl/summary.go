package main

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// formatJSON prints a summary as one indented JSON object (--summary and
// --flapping only).
const formatJSON = "json"

// barWidth is the width of a full bar of a summary table.
const barWidth = 30

// summaryView is a fleet at a glance: clients by status, and disconnects
// (or the clients' last disconnects) by cause.
type summaryView struct {
	At          time.Time      `json:"at"`
	Window      string         `json:"window,omitempty"` // monitor: the window the causes cover
	Clients     int            `json:"clients"`
	ByStatus    map[string]int `json:"by_status"`
	Disconnects int            `json:"disconnects"`
	ByCause     map[string]int `json:"by_cause"`
	causeTitle  string         // what ByCause counts, for the table
}

// statusOrder and the causes' order are the rows of the table; other
// statuses follow in name order.
var statusOrder = []string{string(clientstate.StatusConnected), string(clientstate.StatusDisconnected), "unknown"}

// summaryStates counts states by status, and the disconnected ones by the
// cause of their disconnect: why they are offline.
func summaryStates(states func(func(clientstate.State, error) bool)) (summaryView, error) {
	v := summaryView{At: time.Now().UTC(), ByStatus: map[string]int{}, ByCause: map[string]int{},
		causeTitle: "WHY DISCONNECTED"}
	for st, err := range states {
		if err != nil {
			return v, err
		}
		v.Clients++
		v.ByStatus[statusName(st.Status)]++
		if c := st.Cause(); c != clientstate.CauseNone && st.Status == clientstate.StatusDisconnected {
			v.ByCause[string(c)]++
			v.Disconnects++
		}
	}
	return v, nil
}

// statusName names a status for the view; an unknown one is "unknown".
func statusName(s clientstate.ConnectionStatus) string {
	if s == "" {
		return "unknown"
	}
	return string(s)
}

// write prints the view in the format: a table with a bar per row, one
// JSON object (json: indented; jsonl: one line), or csv rows
// group,name,count.
func (v *summaryView) write(w io.Writer, out *common) error {
	rows := [][]string{{"group", "name", "count"}}
	for _, r := range v.rows() {
		rows = append(rows, []string{r.group, r.name, strconv.Itoa(r.count)})
	}
	return writeView(w, out, v, rows, v.writeTable)
}

type summaryRow struct {
	group, name string
	count       int
}

// rows lists the view's counts: statuses, then causes, each in the fixed
// order and then by name.
func (v *summaryView) rows() []summaryRow {
	var rows []summaryRow
	for _, name := range orderedKeys(v.ByStatus, statusOrder) {
		rows = append(rows, summaryRow{"status", name, v.ByStatus[name]})
	}
	causes := make([]string, 0, len(clientstate.Causes()))
	for _, c := range clientstate.Causes() {
		causes = append(causes, string(c))
	}
	for _, name := range orderedKeys(v.ByCause, causes) {
		rows = append(rows, summaryRow{"cause", name, v.ByCause[name]})
	}
	return rows
}

// orderedKeys returns m's keys: those of order first, in its order, then
// the others sorted.
func orderedKeys(m map[string]int, order []string) []string {
	var keys, rest []string
	for _, k := range order {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// writeTable prints two blocks, STATUS and CAUSE, each row with its count,
// its share and a bar.
func (v *summaryView) writeTable(w io.Writer) error {
	tw := newTabWriter(w)
	fmt.Fprintf(tw, "STATUS\tCLIENTS\tSHARE\t\n")
	rows := v.rows()
	for _, r := range rows {
		if r.group == "status" {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", tableText(r.name), r.count, share(r.count, v.Clients), bar(r.count, v.Clients))
		}
	}
	fmt.Fprintf(tw, "total\t%d\t\t\n\t\t\t\n", v.Clients)
	title := v.causeTitle
	if v.Window != "" {
		title = "DISCONNECTS IN " + v.Window
	}
	fmt.Fprintf(tw, "CAUSE (%s)\tCOUNT\tSHARE\t\n", title)
	for _, r := range rows {
		if r.group == "cause" {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", tableText(r.name), r.count, share(r.count, v.Disconnects), bar(r.count, v.Disconnects))
		}
	}
	fmt.Fprintf(tw, "total\t%d\t\t\n", v.Disconnects)
	return tw.Flush()
}

// share is n of total as a percentage.
func share(n, total int) string {
	if total == 0 {
		return "-"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + "%"
}

// bar is a text bar n/total of barWidth long; a non-zero count shows at
// least one mark.
func bar(n, total int) string {
	if total == 0 || n == 0 {
		return ""
	}
	marks := max(1, n*barWidth/total)
	return strings.Repeat("#", marks) + strings.Repeat(".", barWidth-marks)
}

// causeList is "CAUSE=n" for each cause, most frequent first.
func causeList(m map[string]int, sep byte) string {
	causes := make([]string, 0, len(m))
	for c := range m {
		causes = append(causes, c)
	}
	slices.SortFunc(causes, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	for i, c := range causes {
		if i > 0 {
			b.WriteByte(sep)
		}
		fmt.Fprintf(&b, "%s=%d", c, m[c])
	}
	return b.String()
}

// limited stops seq after n items (0: never), for the summaries of
// --limit items (devices and states).
func limited[T any](seq iter.Seq2[T, error], n int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		i := 0
		for item, err := range seq {
			if !yield(item, err) || err != nil {
				return
			}
			if i++; i == n {
				return
			}
		}
	}
}
