package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
)

// fineFlags are the flags of `ipcase damages fine`, one per field of
// damages.FineRequest.
type fineFlags struct {
	local bool

	offence                    string
	conductDate, decisionDate  string
	volume, gains, goodsValue  string
	holderLoss                 string
	repeat                     bool
	earlier                    int32
	serious                    bool
	publicInterest, passingOff bool
	innocentSeller             bool
	party                      string
	hearingPerson, hearingOrg  string
	proposedFine               string
	criminalRepeat             bool
	multipleRights             bool
}

func newFineCmd(cfg *config) *cobra.Command {
	var f fineFlags
	cmd := &cobra.Command{
		Use:   "fine",
		Short: "Compute the lawful range of an administrative fine, hearing right and criminal-transfer flag",
		Long: `Compute the lawful range of an administrative fine for IP infringement under the rule
in force on the conduct date, or a lighter rule in force on the decision date
(Administrative Penalty Law Art. 37), with the heavier-penalty (从重) flag, the
hearing right (Art. 63, SAMR Hearing Measures Art. 5) and the criminal-transfer
flag (Fa Shi [2025] No. 5). Figures and boundaries: Trademark Law 2013/2019
Art. 60 ¶2 (2026: Art. 74 ¶2), Copyright Law 2020 Art. 53 (before it, Copyright
Regulations 2013 Art. 36), Patent Law 2020 Art. 68 (2008: Art. 63),
Anti-Unfair Competition Law 2019 Art. 21 (2025: Art. 26), Seed Law 2021 Art. 72.`,
		Example: `  ipcase damages fine --local --offence trademark --conduct-date 2024-03-01 \
    --decision-date 2024-09-01 --volume 50000 --party organization -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request()
			if err != nil {
				return err
			}
			res, err := calculateFine(cmd.Context(), cfg, f.local, req)
			if err != nil {
				return err
			}
			return printFine(cfg, res)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.local, "local", false, "compute in process, without a server")
	fs.StringVar(&f.offence, "offence", "", "what is fined: trademark (also GIs registered as marks), copyright, patent-passing-off, trade-secret, plant-variety")
	fs.StringVar(&f.conductDate, "conduct-date", "", "day of the act, or the day a continuing act ended (YYYY-MM-DD)")
	fs.StringVar(&f.decisionDate, "decision-date", "", "day of the penalty decision (YYYY-MM-DD)")
	fs.StringVar(&f.volume, "volume", "", "illegal business volume 违法经营额 (yuan): trademark, copyright")
	fs.StringVar(&f.gains, "gains", "", "illegal gains 违法所得 (yuan): patent passing off, criminal thresholds")
	fs.StringVar(&f.goodsValue, "goods-value", "", "value of the goods (yuan): plant varieties")
	fs.StringVar(&f.holderLoss, "holder-loss", "", "the right holder's loss (yuan): criminal thresholds only")
	fs.BoolVar(&f.repeat, "repeat", false, "two or more infringements within 5 years (从重)")
	fs.Int32Var(&f.earlier, "earlier-infringements", 0, "number of earlier infringements decided within 5 years")
	fs.BoolVar(&f.serious, "serious", false, "other serious circumstances; for trade secrets, the serious band")
	fs.BoolVar(&f.publicInterest, "public-interest", false, "the act also harms the public interest (needed for copyright and plant-variety fines)")
	fs.BoolVar(&f.passingOff, "passing-off", false, "passing off a protected plant variety")
	fs.BoolVar(&f.innocentSeller, "innocent-seller", false, "trademark seller who did not know, shows a lawful source and names the supplier")
	fs.StringVar(&f.party, "party", "", "who is fined: person or organization")
	fs.StringVar(&f.hearingPerson, "hearing-threshold-person", "", "provincial hearing threshold for a natural person (yuan; default 10,000)")
	fs.StringVar(&f.hearingOrg, "hearing-threshold-organization", "", "provincial hearing threshold for an organisation (yuan; default 100,000)")
	fs.StringVar(&f.proposedFine, "proposed-fine", "", "the fine proposed (yuan): checked against the range, decides the hearing right")
	fs.BoolVar(&f.criminalRepeat, "criminal-repeat", false, "punished for the same group of IP crimes within 2 years (lower criminal thresholds)")
	fs.BoolVar(&f.multipleRights, "multiple-rights", false, "two or more marks or patents involved (lower criminal thresholds)")
	return cmd
}

// partyAliases lets --party take the short words of the issue as well as the
// calculator's spellings.
var partyAliases = map[string]string{"person": "natural-person"}

func (f *fineFlags) request() (*ipcasev1.CalculateFineRequest, error) {
	req := &ipcasev1.CalculateFineRequest{
		ConductDate:           f.conductDate,
		DecisionDate:          f.decisionDate,
		BusinessVolumeYuan:    f.volume,
		IllegalGainsYuan:      f.gains,
		GoodsValueYuan:        f.goodsValue,
		HolderLossYuan:        f.holderLoss,
		RepeatWithinFiveYears: f.repeat,
		EarlierInfringements:  f.earlier,
		Serious:               f.serious,
		PublicInterest:        f.publicInterest,
		PassingOff:            f.passingOff,
		InnocentSeller:        f.innocentSeller,
		ProposedFineYuan:      f.proposedFine,
		CriminalRepeat:        f.criminalRepeat,
		MultipleRights:        f.multipleRights,
	}
	if f.hearingPerson != "" || f.hearingOrg != "" {
		req.HearingThresholds = &ipcasev1.FineHearingThresholds{NaturalPersonYuan: f.hearingPerson, OrganizationYuan: f.hearingOrg}
	}
	var err error
	if f.offence != "" {
		if req.Offence, err = parseEnum("--offence", f.offence, damages.ParseOffence); err != nil {
			return nil, err
		}
	}
	if f.party != "" {
		p := strings.ToLower(f.party)
		if a, ok := partyAliases[p]; ok {
			p = a
		}
		if req.Party, err = parseEnum("--party", p, damages.ParsePartyKind); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// calculateFine runs req in process (local) or on the server.
func calculateFine(ctx context.Context, cfg *config, local bool, req *ipcasev1.CalculateFineRequest) (damages.FineResult, error) {
	if local {
		res, err := damages.CalculateFineFromProto(req)
		return res, commandError(err, fineFlagOf)
	}
	var resp *ipcasev1.CalculateFineResponse
	err := callServer(ctx, cfg, "CalculateFine", func(ctx context.Context, c ipcasev1.DamagesServiceClient) (err error) {
		resp, err = c.CalculateFine(ctx, req)
		return err
	}, fineFlagOf)
	if err != nil {
		return damages.FineResult{}, err
	}
	res, err := damages.FineResultFromProto(resp)
	if err != nil {
		return damages.FineResult{}, &failure{err}
	}
	return res, nil
}

// fineFlagNames names the flag behind each CalculateFineRequest field, for
// refusal messages.
var fineFlagNames = map[string]string{
	"offence":                                "--offence",
	"conduct_date":                           "--conduct-date",
	"decision_date":                          "--decision-date",
	"business_volume_yuan":                   "--volume",
	"illegal_gains_yuan":                     "--gains",
	"goods_value_yuan":                       "--goods-value",
	"holder_loss_yuan":                       "--holder-loss",
	"repeat_within_five_years":               "--repeat",
	"earlier_infringements":                  "--earlier-infringements",
	"serious":                                "--serious",
	"public_interest":                        "--public-interest",
	"passing_off":                            "--passing-off",
	"innocent_seller":                        "--innocent-seller",
	"party":                                  "--party",
	"hearing_thresholds.natural_person_yuan": "--hearing-threshold-person",
	"hearing_thresholds.organization_yuan":   "--hearing-threshold-organization",
	"proposed_fine_yuan":                     "--proposed-fine",
	"criminal_repeat":                        "--criminal-repeat",
	"multiple_rights":                        "--multiple-rights",
}

func fineFlagOf(field string) string { return fineFlagNames[stripIndex(field)] }
