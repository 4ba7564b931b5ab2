package damages

// PunitiveClaim is whether and when the plaintiff claimed punitive damages.
// Courts award them only on the plaintiff's claim, stated with amount,
// method, facts and reasons (Fa Shi [2021] No. 4 Art. 2 ¶1), and a claim
// may be added only before the first-instance court debate ends (Art. 2 ¶2).
type PunitiveClaim int

// PunitiveClaim values; the zero value means not claimed.
const (
	PunitiveNotClaimed      PunitiveClaim = iota
	PunitiveWithComplaint                 // stated in the complaint
	PunitiveBeforeDebateEnd               // added before the first-instance court debate ended
	PunitiveAfterDebateEnd                // added after the first-instance court debate ended: out of time
	PunitiveOnAppeal                      // first raised on appeal: mediation only, else a separate suit
)

var punitiveClaimNames = []string{"not-claimed", "with-complaint", "before-debate-end", "after-debate-end", "on-appeal"}

// String returns the CLI spelling, e.g. "with-complaint".
func (c PunitiveClaim) String() string { return enumName(punitiveClaimNames, int(c)) }

// ParsePunitiveClaim reads a CLI spelling such as "before-debate-end".
func ParsePunitiveClaim(s string) (PunitiveClaim, error) {
	return parseEnum[PunitiveClaim]("punitive claim", s, punitiveClaimNames, nil)
}

// MarshalText encodes c as String does.
func (c PunitiveClaim) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a CLI spelling as ParsePunitiveClaim does.
func (c *PunitiveClaim) UnmarshalText(b []byte) (err error) {
	*c, err = ParsePunitiveClaim(string(b))
	return err
}

// PlantVarietyFactor is a circumstance that the SPC Provisions on Plant
// Variety Infringement (II) (in force 2021-07-07) Art. 17 ¶1 adds to the
// serious cases; for items (1)–(5) Art. 17 ¶2 lets the court set the
// punitive amount at twice the base or more.
type PlantVarietyFactor int

// PlantVarietyFactor values, in the order of Art. 17 ¶1 items (1)–(6).
const (
	PlantVarietyFactorUnspecified PlantVarietyFactor = iota
	PVRepeatAfterPenalty                             // (1) repeats after an administrative penalty or a judgment
	PVAsBusiness                                     // (2) infringes plant-variety rights as a business
	PVForgedCertificate                              // (3) forged a plant-variety-right certificate
	PVUnlabelledPacks                                // (4) sells a protected variety in packs without mark or label
	PVSeedLawArt77                                   // (5) breaches Seed Law Art. 77 ¶1 items (1), (2) or (4)
	PVRefusesSites                                   // (6) refuses to disclose where the material is produced, propagated, sold or stored
)

var plantVarietyFactorNames = []string{"unspecified", "repeat-after-penalty", "as-business",
	"forged-certificate", "unlabelled-packs", "seed-law-77", "refuses-sites"}

var plantVarietyFactorLabels = []string{"",
	"repeated the infringement after an administrative penalty or a judgment (item 1)",
	"infringes plant-variety rights as a business (item 2)",
	"forged a plant-variety-right certificate (item 3)",
	"sold a protected variety in packs without mark or label (item 4)",
	"breached Seed Law Art. 77 ¶1 items (1), (2) or (4) (item 5)",
	"refused to disclose where the material is produced, propagated, sold or stored (item 6)"}

// doubles reports whether f is one of items (1)–(5), for which Art. 17 ¶2
// lets the punitive amount be set at twice the base or more.
func (f PlantVarietyFactor) doubles() bool { return f >= PVRepeatAfterPenalty && f <= PVSeedLawArt77 }

// String returns the CLI spelling, e.g. "forged-certificate".
func (f PlantVarietyFactor) String() string { return enumName(plantVarietyFactorNames, int(f)) }

// ParsePlantVarietyFactor reads a CLI spelling such as "as-business".
func ParsePlantVarietyFactor(s string) (PlantVarietyFactor, error) {
	return parseEnum[PlantVarietyFactor]("plant-variety factor", s, plantVarietyFactorNames, nil)
}

// MarshalText encodes f as String does.
func (f PlantVarietyFactor) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a CLI spelling as ParsePlantVarietyFactor does.
func (f *PlantVarietyFactor) UnmarshalText(b []byte) (err error) {
	*f, err = ParsePlantVarietyFactor(string(b))
	return err
}

// Liability is how several defendants answer for one award.
type Liability int

// Liability values; the zero value means one defendant (no apportionment).
const (
	LiabilityUnspecified Liability = iota
	// JointAndSeveral: the defendants infringed jointly (Civil Code
	// Art. 1168) or one abetted or assisted another (Art. 1169); the holder
	// may claim the whole award from any of them, and among themselves they
	// bear it by share, equally where the shares cannot be determined
	// (Art. 178).
	JointAndSeveral
	// ByShare: separate acts caused the same damage, each defendant owing
	// only its share, equal where the shares cannot be determined (Civil
	// Code Arts. 1172 and 177).
	ByShare
)

var liabilityNames = []string{"unspecified", "joint-and-several", "by-share"}

// String returns the CLI spelling, e.g. "joint-and-several".
func (l Liability) String() string { return enumName(liabilityNames, int(l)) }

// ParseLiability reads "joint-and-several" or "by-share".
func ParseLiability(s string) (Liability, error) {
	return parseEnum[Liability]("liability", s, liabilityNames, nil)
}

// MarshalText encodes l as String does.
func (l Liability) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseLiability does.
func (l *Liability) UnmarshalText(b []byte) (err error) {
	*l, err = ParseLiability(string(b))
	return err
}
