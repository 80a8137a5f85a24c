package redact

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Placeholder replaces a secret in a text.
const Placeholder = "[redacted]"

// MinSecretLength is the shortest secret replaced: replacing shorter ones
// would garble ordinary text without protecting anything.
const MinSecretLength = 4

// Secrets replaces in s every secret of at least MinSecretLength bytes, in
// each form a server, gateway or proxy may echo it (see Forms), with
// Placeholder. Longer forms go first, so a secret that contains another is
// replaced whole.
func Secrets(s string, secrets []string) string {
	if s == "" {
		return s
	}
	for _, f := range Forms(secrets) {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Placeholder)
		}
	}
	return s
}

// Forms returns every form of every secret of at least MinSecretLength
// bytes, longest first, without repeats: the secret itself; percent-encoded
// as URL queries and paths are by Go, JavaScript (encodeURIComponent,
// encodeURI) and Python (quote), with a space as %20 or '+', hexadecimal in
// upper or lower case; and JSON-escaped as encoders do, with or without
// HTML escaping (& as \u0026), '/' as \/, non-ASCII as \u escapes, in upper
// or lower case hexadecimal. IBM tokens hold & ( ) ! ?, which each of these
// spells differently.
func Forms(secrets []string) []string {
	key := strings.Join(secrets, "\x00")
	formsCache.Lock()
	defer formsCache.Unlock()
	if f, ok := formsCache.m[key]; ok {
		return f
	}
	if len(formsCache.m) >= 64 {
		clear(formsCache.m) // tokens replaced many times: start afresh
	}
	f := forms(secrets)
	formsCache.m[key] = f
	return f
}

// formsCache keeps the forms of the secret lists seen last: an error or
// log line is scrubbed with the same few lists again and again.
var formsCache = struct {
	sync.Mutex
	m map[string][]string
}{m: make(map[string][]string)}

func forms(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if len(s) < MinSecretLength {
			continue
		}
		out = append(out, s)
		for _, keep := range urlSafeSets {
			for _, plus := range []bool{false, true} {
				for _, upper := range []bool{false, true} {
					out = append(out, percentEncode(s, keep, plus, upper))
				}
			}
		}
		for _, o := range jsonStyles {
			out = append(out, jsonEscape(s, o))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// urlSafeSets are the bytes, beyond letters and digits, that common
// encoders leave as they are.
var urlSafeSets = []string{
	"-._~",                 // RFC 3986 unreserved: Go's QueryEscape, PHP's rawurlencode
	"-._~$&+,:;=@",         // Go's PathEscape
	"-._~!'()*",            // JavaScript's encodeURIComponent
	"-._~!'()*;,/?:@&=+$#", // JavaScript's encodeURI
	"-._~/",                // Python's quote
	"-._~!$&'()*+,;=:@/?",  // what RFC 3986 allows raw in a query
}

func percentEncode(s, keep string, plus, upper bool) string {
	hex := "0123456789abcdef"
	if upper {
		hex = "0123456789ABCDEF"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c != 0 && strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		case c == ' ' && plus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// jsonStyle is one way an encoder escapes a JSON string.
type jsonStyle struct {
	html, slash, ascii, upper bool
}

// jsonStyles are the combinations of the escapes encoders choose.
var jsonStyles = func() []jsonStyle {
	var out []jsonStyle
	for i := range 16 {
		out = append(out, jsonStyle{html: i&1 != 0, slash: i&2 != 0, ascii: i&4 != 0, upper: i&8 != 0})
	}
	return out
}()

func jsonEscape(s string, o jsonStyle) string {
	hex := "0123456789abcdef"
	if o.upper {
		hex = "0123456789ABCDEF"
	}
	var b strings.Builder
	u := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[r>>shift&15])
		}
	}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && o.slash:
			b.WriteString(`\/`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20, o.html && (r == '<' || r == '>' || r == '&'), r == '\u2028', r == '\u2029':
			u(r)
		case r >= utf8.RuneSelf && o.ascii:
			if r > 0xffff {
				r -= 0x10000
				u(0xd800 + r>>10)
				u(0xdc00 + r&0x3ff)
				break
			}
			u(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
