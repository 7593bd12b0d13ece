// Package devtoken signs and verifies the dev tokens of `touchaudit local`:
// HS256 JWTs with issuer touchaudit-local and the claims the Cognito JWT
// authorizer passes to the API in AWS (docs/API.md). The key is random,
// made by New or kept with a local stack's data by LoadOrCreate (so sign-in
// links survive a restart); a token never reaches AWS, where the handler
// never verifies tokens itself.
package devtoken

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"touchaudit/internal/atomicfile"
)

// Issuer is the iss claim of every dev token.
const Issuer = "touchaudit-local"

// Lifetime is how long a dev token is valid: a working day at the desk.
const Lifetime = 12 * time.Hour

// keyBytes is the HMAC key size: 256 bits for HS256 (RFC 7518 §3.2 asks for
// a key at least as long as the hash).
const keyBytes = 32

// Claim names, as Cognito puts them in an ID token.
const (
	ClaimSubject   = "sub"
	ClaimStaffID   = "custom:staffId"
	ClaimCompanyID = "custom:companyId"
	ClaimGroups    = "cognito:groups"
)

// Identity is who a dev token speaks for.
type Identity struct {
	StaffID   string
	CompanyID string
	Groups    []string
}

// Signer signs and verifies dev tokens with its own random key.
type Signer struct {
	key []byte
	now func() time.Time
}

// New returns a Signer with a fresh random key.
func New() (*Signer, error) {
	key := make([]byte, keyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("devtoken: key: %w", err)
	}
	return &Signer{key: key, now: time.Now}, nil
}

// LoadOrCreate returns a Signer whose key is kept in the file at path
// (hex, mode 0600): read when the file exists, otherwise made and written
// atomically, so the tokens a local stack printed stay valid after it
// restarts on the same data.
func LoadOrCreate(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(key) != keyBytes {
			return nil, fmt.Errorf("devtoken: %s does not hold a %d-byte hex key; delete it to make a new one (printed sign-in links then stop working)", path, keyBytes)
		}
		return &Signer{key: key, now: time.Now}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("devtoken: read key: %w", err)
	}
	s, err := New()
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(path, []byte(hex.EncodeToString(s.key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("devtoken: save key: %w", err)
	}
	return s, nil
}

type claims struct {
	StaffID   string   `json:"custom:staffId"`
	CompanyID string   `json:"custom:companyId"`
	Groups    []string `json:"cognito:groups"`
	TokenUse  string   `json:"token_use"`
	jwt.RegisteredClaims
}

// Sign returns a token for id, valid for Lifetime.
func (s *Signer) Sign(id Identity) (string, error) {
	if id.StaffID == "" || id.CompanyID == "" {
		return "", errors.New("devtoken: staff and company ids are required")
	}
	now := s.now()
	c := claims{
		StaffID: id.StaffID, CompanyID: id.CompanyID, Groups: id.Groups, TokenUse: "id",
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   "local-" + id.CompanyID + "-" + id.StaffID,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(Lifetime)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.key)
}

// Verify checks a token's signature (HS256 only), issuer and times, and
// returns its claims as API Gateway's JWT authorizer passes them: strings,
// with cognito:groups as "[auditor lead]".
func (s *Signer) Verify(token string) (map[string]string, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return nil, fmt.Errorf("devtoken: %w", err)
	}
	if c.StaffID == "" || c.CompanyID == "" || c.Subject == "" {
		return nil, errors.New("devtoken: token lacks staff, company or subject")
	}
	return map[string]string{
		ClaimSubject:   c.Subject,
		ClaimStaffID:   c.StaffID,
		ClaimCompanyID: c.CompanyID,
		ClaimGroups:    "[" + strings.Join(c.Groups, " ") + "]",
		"iss":          c.Issuer,
		"token_use":    c.TokenUse,
	}, nil
}

// VerifyRequest verifies the request's "Authorization: Bearer <token>".
func (s *Signer) VerifyRequest(r *http.Request) (map[string]string, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, errors.New("devtoken: no bearer token")
	}
	return s.Verify(strings.TrimSpace(token))
}
