package mockserver

import (
	"net/http"
	"strconv"

	json "github.com/go-json-experiment/json"
)

// writeJSON encodes v and sends it with status, Content-Type and
// Content-Length. Encoding errors cannot happen with the fake's own types;
// should one occur it is reported as a 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		http.Error(w, `{"error":"mockserver: encoding failed"}`, http.StatusInternalServerError)
		return
	}
	writeBody(w, status, b)
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
