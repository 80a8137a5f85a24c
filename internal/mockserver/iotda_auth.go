package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/internal/mockserver/hwverify"
)

// MaxSignatureSkew is how far X-Sdk-Date may be from the server's clock.
const MaxSignatureSkew = 15 * time.Minute

// AuthTokenHeader carries a Huawei token; SubjectTokenHeader carries the
// token IAM issues.
const (
	AuthTokenHeader    = "X-Auth-Token"
	SubjectTokenHeader = "X-Subject-Token"
)

// iamTimeLayout is how IAM writes expires_at / issued_at (RFC 3339 UTC with
// microseconds, as the real service does).
const iamTimeLayout = "2006-01-02T15:04:05.000000Z"

func secretFor(ak string) (string, bool) {
	if ak == AccessKey {
		return SecretKey, true
	}
	return "", false
}

// authIoTDA accepts X-Auth-Token (the static Token or an unexpired token
// issued by the IAM route) or an AK/SK signature (SDK-HMAC-SHA256 or the
// derived V11-HMAC-SHA256) verified with hwverify over the exact body.
// A present X-Auth-Token is decisive: an invalid one is refused even if the
// request is also signed. The returned error's text is safe to show.
func (s *Server) authIoTDA(req *request) error {
	if tok := req.Header.Get(AuthTokenHeader); tok != "" {
		if tok == Token {
			return nil
		}
		s.mu.RLock()
		exp, ok := s.iotda.tokens[tok]
		s.mu.RUnlock()
		switch {
		case !ok:
			return errors.New("the token is invalid")
		case !s.now().Before(exp):
			return errors.New("the token has expired")
		}
		return nil
	}
	if req.Header.Get("Authorization") == "" {
		return errors.New("neither X-Auth-Token nor an AK/SK signature (Authorization) was sent")
	}
	if err := hwverify.Verify(req.Request, req.body, secretFor, s.now(), MaxSignatureSkew); err != nil {
		return fmt.Errorf("verify aksk signature fail: %w", err)
	}
	return nil
}

// RevokeTokens invalidates every token issued by the IAM route so far (the
// static Token stays valid), e.g. to test a client's re-login on 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.iotda.tokens)
}

// iamRequest is the password-auth body of POST /v3/auth/tokens.
type iamRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Domain struct {
						Name string `json:"name"`
					} `json:"domain"`
					Name     string `json:"name"`
					Password string `json:"password"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				Name string `json:"name"`
				ID   string `json:"id"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type iamName struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

type iamToken struct {
	ExpiresAt string   `json:"expires_at"`
	IssuedAt  string   `json:"issued_at"`
	Methods   []string `json:"methods"`
	User      struct {
		Domain iamName `json:"domain"`
		Name   string  `json:"name"`
		ID     string  `json:"id"`
	} `json:"user"`
	Project iamName `json:"project"`
}

// IAM error codes of the fake's token route (illustrative; the body has the
// IoTDA shape {"error_code","error_msg"}).
const (
	CodeIAMBadRequest   = "IAM.0001"
	CodeIAMUnauthorized = "IAM.0101"
)

// handleIAMToken: POST /v3/auth/tokens with password auth. The right
// IAMDomain / IAMUser / IAMPassword get 201, a fresh token in X-Subject-Token
// (accepted by the IoTDA routes until it expires) and {"token":{...}} with
// expires_at = now + token TTL. Anything else is 400 (unreadable body) or
// 401 (wrong credentials or method).
func (s *Server) handleIAMToken(w http.ResponseWriter, req *request) {
	var body iamRequest
	if err := json.Unmarshal(req.body, &body); err != nil {
		writeIoTDAError(w, req.requestID, http.StatusBadRequest, CodeIAMBadRequest, "The request body is invalid: "+err.Error())
		return
	}
	id := body.Auth.Identity
	u := id.Password.User
	if !slices.Contains(id.Methods, "password") ||
		u.Domain.Name != IAMDomain || u.Name != IAMUser || u.Password != IAMPassword {
		writeIoTDAError(w, req.requestID, http.StatusUnauthorized, CodeIAMUnauthorized, "The username or password is wrong.")
		return
	}
	now := s.now().UTC()
	exp := now.Add(s.tokenTTL)
	s.mu.Lock()
	s.iotda.tokenSeq++
	tok := fmt.Sprintf("MIIEmock-%012x-%08d", s.reqNonce, s.iotda.tokenSeq)
	s.iotda.tokens[tok] = exp
	s.mu.Unlock()

	t := iamToken{
		ExpiresAt: exp.Format(iamTimeLayout),
		IssuedAt:  now.Format(iamTimeLayout),
		Methods:   []string{"password"},
		Project:   iamName{Name: body.Auth.Scope.Project.Name, ID: ProjectID},
	}
	if t.Project.Name == "" {
		t.Project.Name = "cn-north-4"
	}
	t.User.Domain = iamName{Name: IAMDomain, ID: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a"}
	t.User.Name, t.User.ID = IAMUser, "5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
	w.Header().Set(SubjectTokenHeader, tok)
	writeJSON(w, http.StatusCreated, map[string]iamToken{"token": t})
}
