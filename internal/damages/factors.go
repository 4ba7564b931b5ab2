package damages

// IntentFactor is a circumstance from which a court may presume intent
// (初步认定故意) under Fa Shi [2021] No. 4 Art. 3 ¶2. Calculate echoes the
// factors in its steps; the finding itself is Request.Intentional.
type IntentFactor int

// IntentFactor values, in the order of Art. 3 ¶2 items (1)–(6).
const (
	IntentFactorUnspecified IntentFactor = iota
	AfterNotice                          // (1) kept infringing after notice or warning
	PlaintiffOfficer                     // (2) is, or its officer is, the plaintiff's representative, manager or controller
	RelationshipAccess                   // (3) labour, licence, distribution, agency or similar relationship with access to the right
	DealingsAccess                       // (4) business dealings or negotiations with access to the right
	PiracyCounterfeit                    // (5) piracy or counterfeiting a registered trademark
	OtherIntent                          // (6) other circumstances
)

var intentFactorNames = []string{"unspecified", "after-notice", "plaintiff-officer",
	"relationship-access", "dealings-access", "piracy-counterfeit", "other"}

var intentFactorLabels = []string{"", "kept infringing after notice or warning (item 1)",
	"defendant or its officer is the plaintiff's representative, manager or controller (item 2)",
	"labour, service, cooperation, licence, distribution or agency relationship with access to the right (item 3)",
	"business dealings or contract negotiations with access to the right (item 4)",
	"piracy or counterfeiting a registered trademark (item 5)",
	"other circumstances (item 6)"}

// String returns the CLI spelling, e.g. "after-notice".
func (f IntentFactor) String() string { return enumName(intentFactorNames, int(f)) }

// ParseIntentFactor reads a CLI spelling such as "after-notice".
func ParseIntentFactor(s string) (IntentFactor, error) {
	return parseEnum[IntentFactor]("intent factor", s, intentFactorNames, nil)
}

// MarshalText encodes f as String does.
func (f IntentFactor) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseIntentFactor does.
func (f *IntentFactor) UnmarshalText(b []byte) (err error) {
	*f, err = ParseIntentFactor(string(b))
	return err
}

// SeriousFactor is a circumstance in which a court may find the
// infringement serious (情节严重) under Fa Shi [2021] No. 4 Art. 4 ¶2.
// Calculate echoes the factors; the finding itself is Request.Serious.
type SeriousFactor int

// SeriousFactor values, in the order of Art. 4 ¶2 items (1)–(7).
const (
	SeriousFactorUnspecified SeriousFactor = iota
	RepeatAfterPenalty                     // (1) repeats after an administrative penalty or judgment
	InfringingAsBusiness                   // (2) infringes as a business (以侵害知识产权为业)
	EvidenceTampering                      // (3) forges, destroys or hides evidence
	DefiesPreservation                     // (4) refuses to comply with a preservation order
	HugeProfitOrLoss                       // (5) huge profit or huge loss
	EndangersPublic                        // (6) may endanger national security, public interest or health
	OtherSerious                           // (7) other circumstances
)

var seriousFactorNames = []string{"unspecified", "repeat-after-penalty", "infringing-as-business",
	"evidence-tampering", "defies-preservation", "huge-profit-or-loss", "endangers-public", "other"}

var seriousFactorLabels = []string{"",
	"repeated the same or similar infringement after an administrative penalty or a judgment (item 1)",
	"infringes as a business (item 2)",
	"forged, destroyed or hid evidence (item 3)",
	"refused to comply with a preservation order (item 4)",
	"made huge profits or caused huge loss (item 5)",
	"may endanger national security, the public interest or personal health (item 6)",
	"other circumstances (item 7)"}

// String returns the CLI spelling, e.g. "infringing-as-business".
func (f SeriousFactor) String() string { return enumName(seriousFactorNames, int(f)) }

// ParseSeriousFactor reads a CLI spelling such as "evidence-tampering".
func ParseSeriousFactor(s string) (SeriousFactor, error) {
	return parseEnum[SeriousFactor]("seriousness factor", s, seriousFactorNames, nil)
}

// MarshalText encodes f as String does.
func (f SeriousFactor) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseSeriousFactor does.
func (f *SeriousFactor) UnmarshalText(b []byte) (err error) {
	*f, err = ParseSeriousFactor(string(b))
	return err
}
