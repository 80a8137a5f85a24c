package main

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Text from the platform (record fields, error messages) is printed to a
// terminal, where control characters are commands: ESC starts sequences
// that set the window title, move the cursor or rewrite earlier lines, and
// bidirectional overrides reorder what is shown. A hostile or broken server
// could use them to hide or fake output, so everything iotctl prints from
// it goes through escapeText first.

// escapeText returns s with every control character written as a Go-style
// escape (\n, \x1b, \u009b, \u202e): C0 controls and DEL, C1 controls, the
// Unicode bidirectional controls, and bytes that are not UTF-8 (a lone
// 0x9b is CSI to an 8-bit terminal). keep lists the controls that pass
// as they are (CSV keeps "\n\t", which its quoting carries). Text without
// any is returned unchanged, without copying.
func escapeText(s, keep string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) && !strings.ContainsRune(keep, r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !needsEscape(r, size) || strings.ContainsRune(keep, r):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			writeHex(&b, `\x`, uint32(s[i]), 2)
		case namedEscapes[r] != "":
			b.WriteString(namedEscapes[r])
		case r < 0x80:
			writeHex(&b, `\x`, uint32(r), 2)
		default:
			writeHex(&b, `\u`, uint32(r), 4)
		}
		i += size
	}
	return b.String()
}

// namedEscapes are the controls escapeText writes by name, as Go does;
// the others are written as hex.
var namedEscapes = map[rune]string{'\n': `\n`, '\t': `\t`, '\r': `\r`}

// needsEscape reports whether the rune r (of size bytes; RuneError of
// size 1 is an invalid byte) must not reach a terminal as it is.
func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20 || r == 0x7f: // C0, DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1
		return true
	case r == '\u061c' || r == '\u200e' || r == '\u200f' || // bidi marks
		r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069': // bidi overrides, isolates
		return true
	}
	return false
}

// appendJSONEscaped appends the JSON text src to dst with what JSON allows
// raw in a string but a terminal would obey written as \u escapes: DEL,
// the C1 and the bidirectional controls (needsEscape), U+2028/U+2029,
// which JavaScript strings refuse, and U+FFFD, the encoders' stand-in for
// invalid UTF-8 (so an invalid byte left in src shows as \ufffd too). All
// of them are above ASCII, so in valid JSON they only occur inside
// strings and the result is the same JSON value. The record sinks and the
// views (--summary, --flapping) both write their JSON through it.
func appendJSONEscaped(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r >= 0x7f && (r == utf8.RuneError || r == '\u2028' || r == '\u2029' || needsEscape(r, size)) {
			dst = fmt.Appendf(dst, `\u%04x`, r)
		} else {
			dst = append(dst, src[i:i+size]...)
		}
		i += size
	}
	return dst
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteString(prefix)
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hex[v>>uint(shift)&0xf])
	}
}

// shellWord returns s as iotctl prints a server's value for people to
// paste into a command line (the resume hints): escaped (escapeText), then,
// unless it is made only of characters no POSIX shell treats specially, in
// single quotes, each quote inside written as quote, backslash, quote,
// quote (end the quoting, an escaped quote, quote again). Pasted, it is
// one word that runs nothing. A value that held control characters pastes
// as its escaped text, which the platform will not accept: such a value
// was never a usable cursor.
func shellWord(s string) string {
	s = escapeText(s, "")
	if s != "" && strings.Trim(s, shellPlain) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellPlain are the characters a POSIX shell takes literally anywhere in
// a word (as Python's shlex.quote has them).
const shellPlain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-"

// scrub replaces every credential value in s with "[redacted]", longest
// first so that a secret containing another is replaced whole. Values of
// fewer than four characters are left alone: replacing them would garble
// the message without protecting anything.
func scrub(s string, secrets []string) string {
	for _, v := range longestFirst(secrets) {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

func longestFirst(secrets []string) []string {
	out := slices.Clone(secrets)
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return out
}

// credentials are the credential values this run knows: from the flags
// (noted as they are read) and from the environment, where iotctl reads
// them whether or not they were used.
func (a *app) credentials() []string {
	out := slices.Clone(a.secrets)
	for _, name := range []string{envIoTDAAK, envIoTDASK, envIoTDAToken, envIAMPassword, envIBMAPIKey, envIBMAPIToken, envAMQPAccessKey, envAMQPAccessCode} {
		if v := a.getenv(name); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// clean makes a message fit for stderr: credentials out, then every
// control character escaped (line breaks too: a message from the server
// must not start a line that looks like iotctl's own).
func (a *app) clean(msg string) string { return escapeText(scrub(msg, a.credentials()), "") }

// shownURL is a URL as iotctl prints it in messages: without user
// information or a query, either of which may hold a credential.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.String()
}
