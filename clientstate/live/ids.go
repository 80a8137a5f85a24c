package live

import "strconv"

// partReason returns why p is not a valid type, device, application or
// instance ID (1 to 36 of [A-Za-z0-9-_.]), or "". It repeats the rule
// package clientstate applies to client IDs, which it does not export.
func partReason(p string) string {
	switch {
	case p == "":
		return "is empty"
	case len(p) > 36:
		return "is " + strconv.Itoa(len(p)) + " characters long; at most 36 are allowed"
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return "may contain only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
