package filing

import (
	"fmt"
	"strings"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/store"
)

// PartyKind distinguishes natural persons from organisations.
type PartyKind string

// Party kinds.
const (
	Person       PartyKind = "PERSON"
	Organization PartyKind = "ORGANIZATION"
)

// Party is a natural person or an organisation.
type Party struct {
	ID         string
	Kind       PartyKind
	Name       string
	CreditCode string // organisations only
	Country    string // ISO 3166-1 alpha-2; "CN" by default
	Contact    string
	// Ref marks a request's reference to an existing party by ID; the store
	// loads it instead of creating one.
	Ref bool
}

// IPType is an object of IP rights (Civil Code Art. 123), patents split by
// kind.
type IPType string

// IP types.
const (
	PatentInvention        IPType = "PATENT_INVENTION"
	PatentUtilityModel     IPType = "PATENT_UTILITY_MODEL"
	PatentDesign           IPType = "PATENT_DESIGN"
	Trademark              IPType = "TRADEMARK"
	Copyright              IPType = "COPYRIGHT"
	TradeSecret            IPType = "TRADE_SECRET"
	GeographicalIndication IPType = "GEOGRAPHICAL_INDICATION"
	ICLayoutDesign         IPType = "IC_LAYOUT_DESIGN"
	PlantVariety           IPType = "PLANT_VARIETY"
)

// Right is one IP right.
type Right struct {
	ID          string
	Type        IPType
	RegNumber   string // empty for unregistered rights
	Title       string
	Holder      string
	TermStart   *civil.Date
	TermEnd     *civil.Date
	Description string
}

// Evidence is an evidence item identified by its SHA-256 digest.
type Evidence struct {
	ID          string
	SHA256      string // lower-case hex
	Size        int64
	MediaType   string
	Source      string
	Description string
}

// creditCodeAlphabet is the GB 32100-2015 character set: digits and capital
// letters without I, O, Z, S and V; a character's value is its index.
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the GB 32100-2015 weights of positions 1–17
// (3^(i-1) mod 31).
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckCreditCode validates an 18-character unified social credit code
// (统一社会信用代码, GB 32100-2015): its alphabet and its check character,
// C18 = 31 − (Σ Ci·Wi mod 31), where 31 is written as 0.
func CheckCreditCode(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("must be 18 characters, got %d", len([]rune(code)))
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditCodeAlphabet, code[i])
		if v < 0 {
			return fmt.Errorf("character %d (%q) is not allowed; use digits and capital letters except I, O, Z, S, V", i+1, code[i])
		}
		if i < 17 {
			sum += v * creditCodeWeights[i]
		}
	}
	want := (31 - sum%31) % 31
	if got := strings.IndexByte(creditCodeAlphabet, code[17]); got != want {
		return fmt.Errorf("check character is %q, but the first 17 characters require %q", code[17], creditCodeAlphabet[want])
	}
	return nil
}

// PartyFromProto validates a party as a complaint's: a reference to an
// existing party ("parties/{id}") or a new one described in full. Its
// violations name field. Package customs reads a recordation's holder
// with it.
func PartyFromProto(field string, p *ipcasev1.Party) (Party, error) {
	var v validator
	out := v.party(field, p)
	return out, v.Err()
}

// RightFromProto validates a right as a complaint's; its violations name
// field.
func RightFromProto(field string, r *ipcasev1.IpRight) (Right, error) {
	var v validator
	out := v.right(field, r)
	return out, v.Err()
}

// RightToProto converts a right for a response.
func RightToProto(r Right) *ipcasev1.IpRight { return rightToProto(r) }

// EnsureParty returns, in tx, party p with its id, as a filing stores it:
// a reference must name an existing party, whose details it reads; an
// organisation is found by its credit code or added; a person is added.
// It returns an error wrapping errs.InvalidArgument, naming field, for a
// reference to no party.
func (s *Store) EnsureParty(tx store.Tx, field string, p Party) (Party, error) {
	if p.Ref {
		return p, refParty(tx, field, &p)
	}
	ids, err := tx.Together(partyQuery(&p))
	if err != nil {
		return Party{}, fmt.Errorf("inserting party: %w", err)
	}
	return p, oneID(tx, ids[0], &p.ID, findParty(&p))
}
