package live

import (
	"encoding/hex"
	"strings"
)

// idTable numbers the client IDs a tracker knows 0, 1, 2, ... in the order
// they came, and keeps each in less memory than a string where it can.
// Many fleets name their devices with UUIDs, and a UUID's 36 characters
// are 16 bytes of binary: so an ID whose last part (after its last colon)
// is a UUID in canonical form is kept as those 16 bytes, with the part
// before ("d:orgid:type:", the same for every device of a type) interned.
// Any other ID is kept as it came. Either way the table gives back the ID
// exactly as it came: an ID in another form (upper case, braces) is a
// different string, so a different client.
type idTable struct {
	byUUID   map[uuidID]uint32 // the IDs ending in a UUID → their number
	byName   map[string]uint32 // every other ID → its number
	refs     []idRef           // by number: where the ID is kept
	uuids    []uuidID
	names    []string
	prefixes []string          // the parts of uuidID, by index
	prefixOf map[string]uint32 // and their indexes
}

// uuidID is a client ID whose last part is a UUID in canonical form.
type uuidID struct {
	prefix uint32   // the ID up to its last colon included, as an index in prefixes
	uuid   [16]byte // the rest, decoded
}

// idRef is where an ID is kept: an index in uuids, or with refName set, in names.
type idRef uint32

const refName idRef = 1 << 31

func newIDTable() idTable {
	return idTable{byUUID: make(map[uuidID]uint32), byName: make(map[string]uint32), prefixOf: make(map[string]uint32)}
}

// find returns the number of id; ok is false for an ID never added.
func (t *idTable) find(id string) (n int, ok bool) {
	prefix, u, isUUID := splitUUID(id)
	if !isUUID {
		i, ok := t.byName[id]
		return int(i), ok
	}
	p, ok := t.prefixOf[prefix]
	if !ok {
		return 0, false
	}
	i, ok := t.byUUID[uuidID{prefix: p, uuid: u}]
	return int(i), ok
}

// add returns the number of id, giving it the next one if it is new.
func (t *idTable) add(id string) (n int, added bool) {
	next := uint32(len(t.refs))
	prefix, u, isUUID := splitUUID(id)
	if !isUUID {
		if i, ok := t.byName[id]; ok {
			return int(i), false
		}
		t.byName[id] = next
		t.refs = append(t.refs, refName|idRef(len(t.names)))
		t.names = append(t.names, id)
		return int(next), true
	}
	p, ok := t.prefixOf[prefix]
	if !ok {
		p = uint32(len(t.prefixes))
		prefix = strings.Clone(prefix) // not to hold the whole of id
		t.prefixes = append(t.prefixes, prefix)
		t.prefixOf[prefix] = p
	}
	key := uuidID{prefix: p, uuid: u}
	if i, ok := t.byUUID[key]; ok {
		return int(i), false
	}
	t.byUUID[key] = next
	t.refs = append(t.refs, idRef(len(t.uuids)))
	t.uuids = append(t.uuids, key)
	return int(next), true
}

// at returns the ID numbered n.
func (t *idTable) at(n int) string {
	ref := t.refs[n]
	if ref&refName != 0 {
		return t.names[ref&^refName]
	}
	key := t.uuids[ref]
	prefix := t.prefixes[key.prefix]
	return string(appendUUID(append(make([]byte, 0, len(prefix)+36), prefix...), key.uuid))
}

// splitUUID reports whether id ends in a UUID in canonical form, after a
// colon or alone, and splits it there: the part before, up to the colon
// included, and the UUID decoded.
func splitUUID(id string) (prefix string, u [16]byte, ok bool) {
	cut := len(id) - 36
	if cut < 0 || cut > 0 && id[cut-1] != ':' {
		return "", u, false
	}
	u, ok = parseUUID(id[cut:])
	return id[:cut], u, ok
}

// uuidGroups are where the five groups of hex digits of a UUID's canonical
// form (8-4-4-4-12, with hyphens between) begin and end.
var uuidGroups = [5][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}}

// parseUUID decodes s when it is a UUID in canonical form: 36 characters,
// lowercase hex digits in groups of 8-4-4-4-12 joined by hyphens. Only
// that form is decoded, so appendUUID writes s back exactly.
func parseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || strings.ContainsAny(s, "ABCDEF") {
		return u, false
	}
	var digits [32]byte
	n := 0
	for _, g := range uuidGroups {
		if g[0] > 0 && s[g[0]-1] != '-' {
			return u, false
		}
		n += copy(digits[n:], s[g[0]:g[1]])
	}
	_, err := hex.Decode(u[:], digits[:])
	return u, err == nil
}

// appendUUID appends u in canonical form to dst.
func appendUUID(dst []byte, u [16]byte) []byte {
	src := u[:]
	for i, g := range uuidGroups {
		if i > 0 {
			dst = append(dst, '-')
		}
		n := (g[1] - g[0]) / 2
		dst, src = hex.AppendEncode(dst, src[:n]), src[n:]
	}
	return dst
}
