package status

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
)

// Config configures sign-in links.
type Config struct {
	// KeyFile is the private Ed25519 JWK that signs the sessions links are
	// exchanged for. Its public half must be in the JWKS ipcased trusts,
	// allowed to sign sessions only (roles ["session"] in the JWKS, or
	// IPCASE_AUTH_KEY_ROLES=<kid>=session). Empty turns sign-in links off.
	KeyFile string `env:"IPCASE_SIGNIN_KEY_FILE"`
	// TokenTTL is how long such a session works; at most
	// IPCASE_AUTH_MAX_SESSION_LIFETIME.
	TokenTTL time.Duration `env:"IPCASE_SIGNIN_TOKEN_TTL, default=8h"`
	// PageURL is the status page's public address, used to build links;
	// empty means the message carries the code only.
	PageURL string `env:"IPCASE_STATUS_PAGE_URL"`
	// OutboxDir is where links are delivered: one file per message, mode
	// 0600, in a directory only ipcased's user may open (see Outbox).
	// Required with KeyFile: a link goes to the party, never to the
	// official who asks for it.
	OutboxDir string `env:"IPCASE_SIGNIN_OUTBOX_DIR"`
}

// Check refuses a sign-in key without an outbox: a link goes to the party,
// never back to the official who asks for it, so without a way to deliver
// it there are no links.
func (c Config) Check() error {
	if c.KeyFile != "" && c.OutboxDir == "" {
		return errors.New("IPCASE_SIGNIN_KEY_FILE is set but IPCASE_SIGNIN_OUTBOX_DIR is not: sign-in links are delivered to the party, so they need an outbox")
	}
	return nil
}

// Minter mints the rights holder's tokens that sign-in links are exchanged
// for.
type Minter struct {
	key              auth.JWK
	issuer, audience string
	ttl              time.Duration
}

// NewMinter returns a Minter signing with the private JWK in keyFile, for
// tokens with the issuer and audience ipcased verifies.
func NewMinter(keyFile, issuer, audience string, ttl time.Duration) (*Minter, error) {
	b, err := os.ReadFile(keyFile) //nolint:gosec // G304: the operator names the key file (IPCASE_SIGNIN_KEY_FILE)
	if err != nil {
		return nil, fmt.Errorf("sign-in key: %w", err)
	}
	var k auth.JWK
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("sign-in key %s: %w", keyFile, err)
	}
	return NewMinterFromKey(k, issuer, audience, ttl)
}

// NewMinterFromKey is NewMinter with the key in hand.
func NewMinterFromKey(k auth.JWK, issuer, audience string, ttl time.Duration) (*Minter, error) {
	if _, err := k.SigningKey(); err != nil {
		return nil, fmt.Errorf("sign-in key: %w", err)
	}
	if ttl <= 0 {
		return nil, errors.New("sign-in token TTL must be positive")
	}
	return &Minter{key: k, issuer: issuer, audience: audience, ttl: ttl}, nil
}

// Mint returns a sign-in session for party bound to matter (ids): a rights
// holder's token that reads that matter and nothing more, valid from now
// for the Minter's TTL, and its expiry.
func (m *Minter) Mint(subject, party, matter string, now time.Time) (string, time.Time, error) {
	tok, err := auth.Issue(m.key, auth.IssueParams{Issuer: m.issuer, Audience: m.audience, Subject: subject,
		Role: auth.RightsHolder, Parties: []string{party}, Matter: matter, TTL: m.ttl, Now: now})
	return tok, now.Add(m.ttl), err
}

// Kid is the sign-in key's id.
func (m *Minter) Kid() string { return m.key.Kid }

// Check verifies with v a session the Minter mints, so that a sign-in key
// missing from the JWKS, or a TTL beyond the session limit, is found at
// start-up, not by a complainant; and it makes sure v refuses every other
// kind of token signed with the sign-in key, so that the key, which sits
// on the server, can never sign an officer's or an administrator's token.
func (m *Minter) Check(ctx context.Context, v *auth.Verifier) error {
	now := time.Now()
	party := uuid.NewString()
	tok, _, err := m.Mint("signin-self-check", party, uuid.NewString(), now)
	if err != nil {
		return err
	}
	if _, err := v.Verify(ctx, tok); err != nil {
		return fmt.Errorf("sign-in key %q: sessions it signs are refused (is its public key in the JWKS, may it sign sessions, is IPCASE_SIGNIN_TOKEN_TTL within IPCASE_AUTH_MAX_SESSION_LIFETIME?): %w", m.key.Kid, err)
	}
	key := m.key
	key.Roles = nil // sign what the verifier must refuse
	for _, p := range []auth.IssueParams{
		{Role: auth.Admin},
		{Role: auth.Officer, Agency: "signin-self-check"},
		{Role: auth.Mediator, Agency: "signin-self-check"},
		{Role: auth.RightsHolder, Parties: []string{party}},
	} {
		p.Issuer, p.Audience, p.Subject, p.TTL, p.Now = m.issuer, m.audience, "signin-self-check", time.Minute, now
		tok, err := auth.Issue(key, p)
		if err != nil {
			return err
		}
		if _, err := v.Verify(ctx, tok); err == nil {
			return fmt.Errorf("sign-in key %q may sign %s tokens: limit it to sign-in sessions (roles [%q] in the JWKS, or IPCASE_AUTH_KEY_ROLES=%s=%s)",
				m.key.Kid, p.Role, auth.SessionKeyRole, m.key.Kid, auth.SessionKeyRole)
		}
	}
	return nil
}

// Links stores sign-in links.
type Links struct {
	db *store.DB
}

// NewLinks returns a Links over db.
func NewLinks(db *store.DB) *Links {
	if db == nil {
		panic("status.NewLinks: nil db")
	}
	return &Links{db: db}
}

type linkRow struct {
	ID         string `gorm:"primaryKey"`
	CodeSha256 []byte
	MatterID   string
	PartyID    string
	Issuer     string
	CreateTime time.Time
	ExpireTime time.Time
	RedeemTime *time.Time
}

func (linkRow) TableName() string { return "signin_links" }

// Link is an issued link.
type Link struct {
	ID       string
	MatterID string
	PartyID  string
}

// Issue stores a new link for party on matter, made by issuer (a subject),
// working from at until expire, and hands its code to deliver, in the same
// transaction: a link that could not be delivered is not kept. The code
// carries 256 random bits, so it cannot be guessed; only its hash is
// stored, and Issue does not return it.
func (l *Links) Issue(ctx context.Context, matterID, partyID, issuer string, at, expire time.Time, deliver func(l Link, code string) error) (Link, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Link{}, err
	}
	code := base64.RawURLEncoding.EncodeToString(raw)
	row := linkRow{ID: uuid.NewString(), CodeSha256: hashCode(code), MatterID: matterID, PartyID: partyID,
		Issuer: issuer, CreateTime: at, ExpireTime: expire}
	link := Link{ID: row.ID, MatterID: matterID, PartyID: partyID}
	err := l.db.InTx(ctx, func(tx store.Tx) error {
		if err := tx.Gorm().Create(&row).Error; err != nil {
			return fmt.Errorf("issuing sign-in link: %w", store.Translate(err))
		}
		return deliver(link, code)
	})
	if err != nil {
		return Link{}, err
	}
	return link, nil
}

// Redeem spends the link with code at time at. It returns an error
// wrapping errs.Unauthenticated if the code is unknown, used or expired,
// without saying which; a code is spent at most once even when two
// redeem it at the same moment.
func (l *Links) Redeem(ctx context.Context, code string, at time.Time) (Link, error) {
	var rows []linkRow
	err := l.db.Session(ctx).Gorm().Model(&rows).Clauses(clause.Returning{}).
		Where("code_sha256 = ? AND redeem_time IS NULL AND expire_time > ?", hashCode(code), at).
		Update("redeem_time", at).Error
	if err != nil {
		return Link{}, fmt.Errorf("redeeming sign-in link: %w", store.Translate(err))
	}
	if len(rows) != 1 {
		return Link{}, errs.Errorf(errs.Unauthenticated, "sign-in link unknown, used or expired")
	}
	return Link{ID: rows[0].ID, MatterID: rows[0].MatterID, PartyID: rows[0].PartyID}, nil
}

func hashCode(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}
