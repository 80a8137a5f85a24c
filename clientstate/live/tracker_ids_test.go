package live

import (
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

const testUUID = "0f8e5a3c-2b1d-4c6e-9a7f-1e2d3c4b5a69"

func TestIDTableKeepsIDsAsTheyCame(t *testing.T) {
	ids := []struct {
		id     string
		binary bool // kept as a prefix and 16 bytes
	}{
		{"d:ab12cd:sensor:" + testUUID, true},
		{"d:ab12cd:pump:" + testUUID, true}, // the same UUID, another type
		{"g:ab12cd:gw:" + testUUID, true},
		{"a:ab12cd:" + testUUID, true},
		{testUUID, true}, // no colon: all of it is the UUID
		{"d:ab12cd:sensor:00000000-0000-0000-0000-000000000000", true},
		{"d:ab12cd:sensor:" + strings.ToUpper(testUUID), false}, // another string, so another client
		{"d:ab12cd:sensor:{" + testUUID + "}", false},
		{"d:ab12cd:sensor:" + strings.ReplaceAll(testUUID, "-", "") + "abcd", false}, // 36 characters, no hyphens
		{"d:ab12cd:sensor:" + testUUID[:35] + "g", false},
		{"d:ab12cd:sensor:" + testUUID[:8] + "+" + testUUID[9:], false},
		{"d:ab12cd:sensor:" + testUUID[:7] + "-0" + testUUID[9:], false}, // a hyphen out of place
		{"d:ab12cd:sensor:s-1", false},
		{"d:ab12cd:sensor:", false},
		{"", false},
		{":", false},
	}
	tab := newIDTable()
	wantBinary := 0
	for i, c := range ids {
		if n, added := tab.add(c.id); n != i || !added {
			t.Fatalf("add(%q) = %d, %v; want %d, true", c.id, n, added, i)
		}
		if c.binary {
			wantBinary++
		}
		if len(tab.uuids) != wantBinary {
			t.Fatalf("after add(%q), %d IDs kept in binary, want %d", c.id, len(tab.uuids), wantBinary)
		}
	}
	if len(tab.prefixes) != 5 { // d:ab12cd:sensor:, d:ab12cd:pump:, g:ab12cd:gw:, a:ab12cd:, ""
		t.Errorf("prefixes %q, want 5", tab.prefixes)
	}
	for i, c := range ids {
		if got := tab.at(i); got != c.id {
			t.Errorf("at(%d) = %q, want %q", i, got, c.id)
		}
		if n, ok := tab.find(c.id); n != i || !ok {
			t.Errorf("find(%q) = %d, %v; want %d, true", c.id, n, ok, i)
		}
		if n, added := tab.add(c.id); n != i || added {
			t.Errorf("add(%q) again = %d, %v; want %d, false", c.id, n, added, i)
		}
	}
	for _, id := range []string{
		"d:ab12cd:sensor:" + testUUID[:35] + "0", // a known prefix, an unknown UUID
		"d:ab12cd:meter:" + testUUID,             // an unknown prefix
		"d:ab12cd:sensor:s-2",
	} {
		if n, ok := tab.find(id); ok {
			t.Errorf("find(%q) = %d, true; want not found", id, n)
		}
	}
	if len(tab.refs) != len(ids) || len(tab.prefixes) != 5 {
		t.Errorf("find added: %d IDs, %d prefixes", len(tab.refs), len(tab.prefixes))
	}
}

func TestTrackerUUIDClientIDs(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	lower := "d:ab12cd:sensor:" + testUUID
	upper := "d:ab12cd:sensor:" + strings.ToUpper(testUUID)
	tr := trackerForTest()
	tr.apply(statusEvent(ActionConnect, lower, t0, 0))
	tr.apply(statusEvent(ActionConnect, upper, t0, 0))
	tr.apply(statusEvent(ActionDisconnect, upper, t0.Add(time.Second), 160))
	tr.load(clientstate.State{ClientID: "d:ab12cd:pump:" + testUUID, Status: clientstate.StatusConnected, LastConnected: t0})
	if st, ok := tr.State(lower); !ok || st.ClientID != lower || st.Status != clientstate.StatusConnected {
		t.Errorf("State(%q) = %+v, %v", lower, st, ok)
	}
	if st, ok := tr.State(upper); !ok || st.ClientID != upper || st.Status != clientstate.StatusDisconnected {
		t.Errorf("State(%q) = %+v, %v", upper, st, ok)
	}
	var got []string
	for _, st := range tr.Connected() {
		got = append(got, st.ClientID)
	}
	if want := []string{"d:ab12cd:pump:" + testUUID, lower}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Connected() = %q, want %q", got, want)
	}
	tr.cfg.Now = func() time.Time { return t0.Add(time.Minute) }
	if fl := tr.Flapping(time.Hour, 1); len(fl) != 1 || fl[0].ClientID != upper {
		t.Errorf("Flapping = %+v, want %q", fl, upper)
	}
}

// FuzzIDTable checks that the table gives every ID back as it came, and
// two IDs the same number only when they are the same string.
func FuzzIDTable(f *testing.F) {
	f.Add("d:ab12cd:sensor:"+testUUID, "d:ab12cd:sensor:"+strings.ToUpper(testUUID))
	f.Add(testUUID, "a:ab12cd:"+testUUID)
	f.Add("d:ab12cd:sensor:s-1", "d:ab12cd:sensor:{"+testUUID+"}")
	f.Fuzz(func(t *testing.T, a, b string) {
		tab := newIDTable()
		na, _ := tab.add(a)
		nb, _ := tab.add(b)
		if (na == nb) != (a == b) {
			t.Fatalf("%q is %d and %q is %d", a, na, b, nb)
		}
		for _, c := range []struct {
			id string
			n  int
		}{{a, na}, {b, nb}} {
			if got := tab.at(c.n); got != c.id {
				t.Fatalf("at(%d) = %q, want %q", c.n, got, c.id)
			}
			if n, ok := tab.find(c.id); n != c.n || !ok {
				t.Fatalf("find(%q) = %d, %v; want %d", c.id, n, ok, c.n)
			}
		}
		if u, ok := parseUUID(a); ok && string(appendUUID(nil, u)) != a {
			t.Fatalf("parseUUID(%q) reads a form appendUUID does not write", a)
		}
	})
}
