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
	local   bool
	similar similarFlags

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

	criminalAct                        string
	sales, unsold                      string
	copies, labels, works              int64
	downloads, clicks, members         int64
	didNotKnow, lawfulSource, supplier bool
	corrected, minorNoHarm, first      bool
	minorHarm, mitigation, endangers   bool
	discovered, received, paid, payDue string
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
flag under the interpretation in force when the act was done (Fa Shi [2004]
No. 19 … Fa Shi [2025] No. 5; SPC/SPP temporal provisions 2001 Arts. 2–3).
Figures and boundaries: Trademark Law 2013/2019 Art. 60 ¶2 (2026: Art. 74 ¶2),
Copyright Law 2020 Art. 53 (before it, Copyright Regulations 2013 Art. 36),
Patent Law 2020 Art. 68 (2008: Art. 63), Anti-Unfair Competition Law 2017/2019
Art. 21 (2025: Art. 26) for trade secrets and Art. 18 (2025: Art. 23) for
confusion, Seed Law 2015 Art. 73 / 2021 Art. 72. The innocent seller
(Trademark Law 2019 Art. 60 ¶2, Art. 64 ¶2), Administrative Penalty Law 2021
Arts. 32, 33 and 36, and the payment (Art. 67) with its 3 %-a-day surcharge
(Art. 72) are applied when their flags are given. Every figure is printed
with the article that produced it.`,
		Example: `  ipcase damages fine --local --offence trademark --conduct-date 2024-03-01 \
    --decision-date 2024-09-01 --volume 50000 --party organization -o json

  ipcase damages fine --offence trademark --conduct-date 2026-06-01 --decision-date 2026-10-14 \
    --volume 40000 --party organization --similar --facts 销售假冒注册商标的奶茶杯 --decider SAMR-HZ`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request()
			if err != nil {
				return err
			}
			if req.Similar, err = f.similar.query(cmd, f.local); err != nil {
				return err
			}
			res, sim, err := calculateFine(cmd.Context(), cfg, f.local, req)
			if err != nil {
				return err
			}
			return printFine(cfg, res, sim)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.local, "local", false, "compute in process, without a server")
	fs.StringVar(&f.offence, "offence", "", "what is fined: trademark (also GIs registered as marks), copyright, patent-passing-off, trade-secret, plant-variety, confusion (混淆, Anti-Unfair Competition Law)")
	fs.StringVar(&f.conductDate, "conduct-date", "", "day of the act, or the day a continuing act ended (YYYY-MM-DD)")
	fs.StringVar(&f.decisionDate, "decision-date", "", "day of the penalty decision (YYYY-MM-DD)")
	fs.StringVar(&f.volume, "volume", "", "illegal business volume 违法经营额 (yuan): trademark, copyright, confusion")
	fs.StringVar(&f.gains, "gains", "", "illegal gains 违法所得 (yuan): patent passing off, criminal thresholds")
	fs.StringVar(&f.goodsValue, "goods-value", "", "value of the goods (yuan): plant varieties")
	fs.StringVar(&f.holderLoss, "holder-loss", "", "the right holder's loss (yuan): criminal thresholds only")
	fs.BoolVar(&f.repeat, "repeat", false, "two or more infringements within 5 years (从重)")
	fs.Int32Var(&f.earlier, "earlier-infringements", 0, "number of earlier infringements decided within 5 years")
	fs.BoolVar(&f.serious, "serious", false, "other serious circumstances; for trade secrets, the serious band; for confusion, the business licence is also revoked (same range)")
	fs.BoolVar(&f.publicInterest, "public-interest", false, "the act also harms the public interest (needed for copyright and plant-variety fines)")
	fs.BoolVar(&f.passingOff, "passing-off", false, "passing off a protected plant variety")
	fs.BoolVar(&f.innocentSeller, "innocent-seller", false, "trademark seller who did not know, shows a lawful source and names the supplier")
	fs.StringVar(&f.party, "party", "", "who is fined: person or organization")
	fs.StringVar(&f.hearingPerson, "hearing-threshold-person", "", "provincial hearing threshold for a natural person (yuan; default 10,000)")
	fs.StringVar(&f.hearingOrg, "hearing-threshold-organization", "", "provincial hearing threshold for an organisation (yuan; default 100,000)")
	fs.StringVar(&f.proposedFine, "proposed-fine", "", "the fine proposed (yuan): checked against the range, decides the hearing right")
	fs.BoolVar(&f.criminalRepeat, "criminal-repeat", false, "punished for the same group of IP crimes within 2 years (lower criminal thresholds)")
	fs.BoolVar(&f.multipleRights, "multiple-rights", false, "two or more marks or patents involved (lower criminal thresholds)")
	fs.StringVar(&f.criminalAct, "criminal-act", "", "the crime checked: counterfeit-goods, counterfeit-services, sell-counterfeit, labels, patent-passing-off, copyright, sell-copies, trade-secret")
	fs.StringVar(&f.sales, "sales", "", "sales amount 销售金额 (yuan): criminal thresholds only")
	fs.StringVar(&f.unsold, "unsold-value", "", "value of goods or copies not yet sold 货值金额 (yuan): criminal thresholds only")
	fs.Int64Var(&f.copies, "copies", 0, "infringing copies: criminal thresholds only")
	fs.Int64Var(&f.labels, "labels", 0, "counterfeit mark labels (pieces): criminal thresholds only")
	fs.Int64Var(&f.works, "works-online", 0, "works made available online: criminal thresholds only")
	fs.Int64Var(&f.downloads, "downloads", 0, "downloads: criminal thresholds only")
	fs.Int64Var(&f.clicks, "clicks", 0, "clicks: criminal thresholds only")
	fs.Int64Var(&f.members, "members", 0, "registered members: criminal thresholds only")
	fs.BoolVar(&f.didNotKnow, "did-not-know", false, "the seller did not know the goods infringed (no selling crime)")
	fs.BoolVar(&f.lawfulSource, "lawful-source", false, "the seller shows the goods were lawfully obtained")
	fs.BoolVar(&f.supplier, "supplier-named", false, "the seller names its supplier")
	fs.BoolVar(&f.corrected, "corrected", false, "the violation was corrected in time (Administrative Penalty Law Art. 33)")
	fs.BoolVar(&f.minorNoHarm, "minor-no-harm", false, "the violation was minor and caused no harm (Art. 33 ¶1: no penalty, with --corrected)")
	fs.BoolVar(&f.first, "first-violation", false, "a first violation (Art. 33 ¶1: may go unpunished, with --minor-harm and --corrected)")
	fs.BoolVar(&f.minorHarm, "minor-harm", false, "the harm was minor")
	fs.BoolVar(&f.mitigation, "mitigation", false, "a circumstance of Administrative Penalty Law Art. 32 (lighter or below the minimum)")
	fs.StringVar(&f.discovered, "discovered-date", "", "day the act was discovered (YYYY-MM-DD), for the 2-year limitation of Art. 36")
	fs.BoolVar(&f.endangers, "endangers-life-or-finance", false, "the act endangers life, health or financial security with harm (5-year limitation)")
	fs.StringVar(&f.received, "received-date", "", "day the party received the decision (YYYY-MM-DD); with --proposed-fine, the payment is computed")
	fs.StringVar(&f.paid, "paid-date", "", "day the fine was paid (YYYY-MM-DD): 3 % a day after the due day, at most the fine")
	fs.StringVar(&f.payDue, "payment-due", "", "due day when the 15th day after receipt is a rest day (YYYY-MM-DD, from ipcase deadline calc)")
	f.similar.register(fs)
	return cmd
}

// partyAliases lets --party take the short words of the issue as well as the
// calculator's spellings.
var partyAliases = map[string]string{"person": "natural-person"}

func (f *fineFlags) request() (*ipcasev1.CalculateFineRequest, error) {
	req := &ipcasev1.CalculateFineRequest{
		ConductDate:            f.conductDate,
		DecisionDate:           f.decisionDate,
		BusinessVolumeYuan:     f.volume,
		IllegalGainsYuan:       f.gains,
		GoodsValueYuan:         f.goodsValue,
		HolderLossYuan:         f.holderLoss,
		RepeatWithinFiveYears:  f.repeat,
		EarlierInfringements:   f.earlier,
		Serious:                f.serious,
		PublicInterest:         f.publicInterest,
		PassingOff:             f.passingOff,
		InnocentSeller:         f.innocentSeller,
		ProposedFineYuan:       f.proposedFine,
		CriminalRepeat:         f.criminalRepeat,
		MultipleRights:         f.multipleRights,
		SalesYuan:              f.sales,
		UnsoldValueYuan:        f.unsold,
		Copies:                 f.copies,
		LabelPieces:            f.labels,
		WorksOnline:            f.works,
		Downloads:              f.downloads,
		Clicks:                 f.clicks,
		Members:                f.members,
		SellerDidNotKnow:       f.didNotKnow,
		LawfulSource:           f.lawfulSource,
		SupplierNamed:          f.supplier,
		CorrectedInTime:        f.corrected,
		MinorNoHarm:            f.minorNoHarm,
		FirstViolation:         f.first,
		MinorHarm:              f.minorHarm,
		Mitigation:             f.mitigation,
		DiscoveredDate:         f.discovered,
		EndangersLifeOrFinance: f.endangers,
		ReceivedDate:           f.received,
		PaidDate:               f.paid,
		PaymentDue:             f.payDue,
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
	if f.criminalAct != "" {
		if req.CriminalAct, err = parseEnum("--criminal-act", f.criminalAct, damages.ParseCriminalAct); err != nil {
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

// calculateFine runs req in process (local) or on the server; the server
// also answers the similar cases req asks for.
func calculateFine(ctx context.Context, cfg *config, local bool, req *ipcasev1.CalculateFineRequest) (damages.FineResult, *ipcasev1.SimilarCases, error) {
	if local {
		res, err := damages.CalculateFineFromProto(req)
		return res, nil, commandError(err, fineFlagOf)
	}
	var resp *ipcasev1.CalculateFineResponse
	err := callServer(ctx, cfg, "CalculateFine", func(ctx context.Context, c ipcasev1.DamagesServiceClient) (err error) {
		resp, err = c.CalculateFine(ctx, req)
		return err
	}, fineFlagOf)
	if err != nil {
		return damages.FineResult{}, nil, err
	}
	res, err := damages.FineResultFromProto(resp)
	if err != nil {
		return damages.FineResult{}, nil, &failure{err}
	}
	return res, resp.GetSimilar(), nil
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
	"criminal_act":                           "--criminal-act",
	"sales_yuan":                             "--sales",
	"unsold_value_yuan":                      "--unsold-value",
	"copies":                                 "--copies",
	"label_pieces":                           "--labels",
	"works_online":                           "--works-online",
	"downloads":                              "--downloads",
	"clicks":                                 "--clicks",
	"members":                                "--members",
	"seller_did_not_know":                    "--did-not-know",
	"lawful_source":                          "--lawful-source",
	"supplier_named":                         "--supplier-named",
	"corrected_in_time":                      "--corrected",
	"minor_no_harm":                          "--minor-no-harm",
	"first_violation":                        "--first-violation",
	"minor_harm":                             "--minor-harm",
	"mitigation":                             "--mitigation",
	"discovered_date":                        "--discovered-date",
	"endangers_life_or_finance":              "--endangers-life-or-finance",
	"received_date":                          "--received-date",
	"paid_date":                              "--paid-date",
	"payment_due":                            "--payment-due",
}

func fineFlagOf(field string) string {
	if f, ok := similarFlagNames[stripIndex(field)]; ok {
		return f
	}
	return fineFlagNames[stripIndex(field)]
}
