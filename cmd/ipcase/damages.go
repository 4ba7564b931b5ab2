package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
)

func newDamagesCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "damages",
		Short: "Compute civil damages and administrative fines under the law in force",
		Long: `Compute civil damages (calc) and administrative fines (fine) for IP infringement
under the law version in force on the date of the conduct, with the articles cited.

Without --local the commands call DamagesService on ipcased; with --local they
compute in process with the same code, offline.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("give a subcommand: calc or fine")
		},
	}
	cmd.AddCommand(newCalcCmd(cfg), newFineCmd(cfg))
	return cmd
}

// calcFlags are the flags of `ipcase damages calc`.
type calcFlags struct {
	local bool

	ipType                   string
	conductStart, conductEnd string
	baseKind, base           string
	contribution             string
	proven                   []string
	periods                  []string

	multiple, formula    string
	intentional, serious bool
	intentFactors        []string
	seriousFactors       []string

	statutory       bool
	statutoryAmount string

	expenses                           string
	claim, claimDamages, claimExpenses string
	paidFine                           string

	separateActs, booksWithheld bool
	punitiveClaimed             string
	plantVarietyFactors         []string
	liability                   string
	defendants                  []string
}

// singlePeriodFlags describe one period; --period replaces them.
var singlePeriodFlags = []string{"conduct-start", "conduct-end", "base-kind", "base", "contribution", "proven"}

func newCalcCmd(cfg *config) *cobra.Command {
	var (
		f   calcFlags
		sim similarFlags
	)
	cmd := &cobra.Command{
		Use:   "calc",
		Short: "Compute civil damages: base, punitive multiple, expenses, claim cap",
		Long: `Compute civil damages for IP infringement.

damages = base × contribution, plus punitive damages where the court finds the
infringement intentional and serious and the clause has a multiple:
additive (the default)  damages = base + base × m
multiplicative          damages = base × m
Reasonable expenses are added outside the base; the total is capped at the claim.
Every figure cites its statute and article: the damages clause of the IP law in
force during the conduct, Civil Code Art. 1185 and the SPC Interpretation on
Punitive Damages in IP Civil Cases (Fa Shi [2021] No. 4).

The periods are one continuing act unless --separate-acts is given: the whole
act is compensated under the clause in force when it ended, with one statutory
award in its range (SPC Interpretation on Copyright Civil Disputes (2020)
Art. 29; Fa Shi [2014] No. 4 Art. 9; Fa Shi [2020] No. 15 Art. 1 ¶3), while the
punitive part follows the clause in force during the conduct: a period taking
a multiple must not cross the day a new clause took effect, so give one
--period per part instead of --conduct-start/--conduct-end/--base...

Punitive damages need the plaintiff's timely claim (--punitive-claimed, Fa Shi
[2021] No. 4 Art. 2). With a claim the court fee is computed (诉讼费用交纳办法
Art. 13); with --liability and --defendant the total is apportioned. Every
figure is listed with the article that produced it.`,
		Example: `  ipcase damages calc --local --ip-type trademark \
    --conduct-start 2020-01-01 --conduct-end 2020-12-31 \
    --base-kind infringer-profit --base 1000000 --contribution 0.35 \
    --multiple 2.5 --intentional --serious --punitive-claimed with-complaint \
    --expenses 50000 --claim 3000000 -o json

  ipcase damages calc --local --ip-type trade-secret --multiple 3 --intentional --serious \
    --punitive-claimed with-complaint --liability joint-and-several --defendant A=0.7 --defendant B=0.3 \
    --period start=2018-06-01,end=2019-04-22,base-kind=actual-loss,base=400000 \
    --period start=2019-04-23,end=2019-12-31,base-kind=actual-loss,base=600000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request(cmd)
			if err != nil {
				return err
			}
			if req.Similar, err = sim.query(cmd, f.local); err != nil {
				return err
			}
			res, cases, err := calculate(cmd.Context(), cfg, f.local, req)
			if err != nil {
				return err
			}
			return printDamages(cfg, res, cases)
		},
	}
	cmd.Flags().BoolVar(&f.local, "local", false, "compute in process, without a server")
	f.register(cmd.Flags())
	sim.register(cmd.Flags())
	return cmd
}

// register adds the calculator's input flags (all but --local) to fs;
// court judgment takes the same flags for its award.
func (f *calcFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.ipType, "ip-type", "", "right infringed: "+strings.Join(ipTypeNames, ", "))
	fs.StringVar(&f.conductStart, "conduct-start", "", "first day of the conduct (YYYY-MM-DD)")
	fs.StringVar(&f.conductEnd, "conduct-end", "", "last day of the conduct (YYYY-MM-DD)")
	fs.StringVar(&f.baseKind, "base-kind", "", "how the base was determined: actual-loss, infringer-profit, licence-fee")
	fs.StringVar(&f.base, "base", "", "the base in yuan, e.g. 1000000 or 1234.50")
	fs.StringVar(&f.contribution, "contribution", "", "share of the base the right contributed, in (0, 1], e.g. 0.35 (default: the whole base)")
	fs.StringSliceVar(&f.proven, "proven", nil, "base kinds that could be determined (for the statutory order), comma-separated")
	fs.StringArrayVar(&f.periods, "period", nil, "one period of several, repeatable: start=D,end=D,base-kind=K,base=Y[,contribution=R][,multiple=M][,proven=K+K]")
	fs.StringVar(&f.multiple, "multiple", "", "punitive multiple, e.g. 2.5; 0 or empty: no punitive damages")
	fs.StringVar(&f.formula, "formula", "", "punitive formula, which the statutes leave open: additive (default; Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1) or multiplicative")
	fs.BoolVar(&f.intentional, "intentional", false, "the court finds the infringement intentional (故意/恶意)")
	fs.BoolVar(&f.serious, "serious", false, "the court finds the circumstances serious (情节严重)")
	fs.StringSliceVar(&f.intentFactors, "intent-factor", nil, "Fa Shi [2021] No. 4 Art. 3 factors, echoed in the steps: after-notice, plaintiff-officer, relationship-access, dealings-access, piracy-counterfeit, other")
	fs.StringSliceVar(&f.seriousFactors, "serious-factor", nil, "Art. 4 factors, echoed in the steps: repeat-after-penalty, infringing-as-business, evidence-tampering, defies-preservation, huge-profit-or-loss, endangers-public, other")
	fs.BoolVar(&f.statutory, "statutory", false, "statutory damages: no base can be determined (give no --base-kind/--base)")
	fs.StringVar(&f.statutoryAmount, "statutory-amount", "", "with --statutory, the amount chosen within the statutory range (yuan)")
	fs.StringVar(&f.expenses, "expenses", "", "reasonable expenses to stop the infringement (yuan), added outside the base")
	fs.StringVar(&f.claim, "claim", "", "the plaintiff's combined claim for damages and expenses (yuan); caps the total")
	fs.StringVar(&f.claimDamages, "claim-damages", "", "the plaintiff's claim for damages alone (yuan)")
	fs.StringVar(&f.claimExpenses, "claim-expenses", "", "the plaintiff's claim for expenses alone (yuan)")
	fs.StringVar(&f.paidFine, "paid-fine", "", "a fine already paid for the same act (yuan); noted, never deducted")
	fs.StringVar(&f.punitiveClaimed, "punitive-claimed", "", "when the plaintiff claimed punitive damages (Fa Shi [2021] No. 4 Art. 2), needed with --multiple: with-complaint, before-debate-end, after-debate-end, on-appeal")
	fs.BoolVar(&f.separateActs, "separate-acts", false, "the periods are separate acts, each compensated under the law of its time (default: one continuing act, compensated under the law in force when it ended)")
	fs.BoolVar(&f.booksWithheld, "books-withheld", false, "the infringer withheld or falsified its books; the profit base was fixed from the holder's claim and evidence (e.g. Trademark Law 2019 Art. 63 ¶2)")
	fs.StringSliceVar(&f.plantVarietyFactors, "plant-variety-factor", nil, "SPC Plant Variety Provisions (II) Art. 17 serious cases: repeat-after-penalty, as-business, forged-certificate, unlabelled-packs, seed-law-77, refuses-sites")
	fs.StringVar(&f.liability, "liability", "", "how several defendants answer: joint-and-several (Civil Code Arts. 1168, 1169, 178) or by-share (Arts. 1172, 177)")
	fs.StringArrayVar(&f.defendants, "defendant", nil, "one of several defendants, repeatable: NAME or NAME=SHARE (e.g. A=0.6); shares for all or none")
}

// ipTypeNames are the CLI spellings of damages.IPType.
var ipTypeNames = []string{"patent-invention", "patent-utility-model", "patent-design", "trademark",
	"copyright", "trade-secret", "plant-variety", "geographical-indication", "ic-layout"}

// request builds the DamagesService request from the flags. Only what the
// CLI itself must read (names of enum values, the --period syntax, flag
// combinations) is checked here, as a usage error; amounts, dates and every
// rule of law are left to the calculator, so that --local and the server
// refuse the same input with the same words.
func (f *calcFlags) request(cmd *cobra.Command) (*ipcasev1.CalculateDamagesRequest, error) {
	req := &ipcasev1.CalculateDamagesRequest{
		Statutory:           f.statutory,
		StatutoryAmountYuan: f.statutoryAmount,
		Multiple:            punitiveMultiple(f.multiple),
		Intentional:         f.intentional,
		Serious:             f.serious,
		ExpensesYuan:        f.expenses,
		ClaimTotalYuan:      f.claim,
		ClaimDamagesYuan:    f.claimDamages,
		ClaimExpensesYuan:   f.claimExpenses,
		PaidFineYuan:        f.paidFine,
		SeparateActs:        f.separateActs,
		BooksWithheld:       f.booksWithheld,
	}
	var err error
	if f.punitiveClaimed != "" {
		if req.PunitiveClaim, err = parseEnum("--punitive-claimed", f.punitiveClaimed, damages.ParsePunitiveClaim); err != nil {
			return nil, err
		}
	}
	if f.liability != "" {
		if req.Liability, err = parseEnum("--liability", f.liability, damages.ParseLiability); err != nil {
			return nil, err
		}
	}
	for _, s := range f.plantVarietyFactors {
		v, err := parseEnum("--plant-variety-factor", s, damages.ParsePlantVarietyFactor)
		if err != nil {
			return nil, err
		}
		req.PlantVarietyFactors = append(req.PlantVarietyFactors, v)
	}
	for _, s := range f.defendants {
		name, share, _ := strings.Cut(s, "=")
		req.Defendants = append(req.Defendants, &ipcasev1.DamagesDefendant{Name: name, Share: share})
	}
	if f.ipType != "" {
		if req.IpType, err = parseEnum("--ip-type", f.ipType, damages.ParseIPType); err != nil {
			return nil, err
		}
	}
	if f.formula != "" {
		if req.Formula, err = parseEnum("--formula", f.formula, damages.ParseFormula); err != nil {
			return nil, err
		}
	}
	for _, s := range f.intentFactors {
		v, err := parseEnum("--intent-factor", s, damages.ParseIntentFactor)
		if err != nil {
			return nil, err
		}
		req.IntentFactors = append(req.IntentFactors, v)
	}
	for _, s := range f.seriousFactors {
		v, err := parseEnum("--serious-factor", s, damages.ParseSeriousFactor)
		if err != nil {
			return nil, err
		}
		req.SeriousFactors = append(req.SeriousFactors, v)
	}
	if len(f.periods) > 0 {
		if set := flagChanged(cmd.Flags(), singlePeriodFlags...); len(set) > 0 {
			return nil, usagef("--period replaces %s; give the conduct either as --period flags or as one period", strings.Join(set, ", "))
		}
		for i, s := range f.periods {
			p, err := parsePeriod(i, s)
			if err != nil {
				return nil, err
			}
			req.Periods = append(req.Periods, p)
		}
		return req, nil
	}
	req.Period = &ipcasev1.DamagesPeriod{
		Start:        f.conductStart,
		End:          f.conductEnd,
		BaseYuan:     f.base,
		Contribution: f.contribution,
	}
	if f.baseKind != "" {
		if req.Period.BaseKind, err = parseEnum("--base-kind", f.baseKind, damages.ParseBaseKind); err != nil {
			return nil, err
		}
	}
	for _, s := range f.proven {
		k, err := parseEnum("--proven", s, damages.ParseBaseKind)
		if err != nil {
			return nil, err
		}
		req.Period.Proven = append(req.Period.Proven, k)
	}
	return req, nil
}

// punitiveMultiple maps the CLI's "0" (no punitive damages) to the wire's
// empty multiple; the wire refuses an explicit zero. Anything else, valid or
// not, goes to the calculator as written.
func punitiveMultiple(s string) string {
	if r, err := damages.ParseRatio(s); err == nil && r.IsZero() {
		return ""
	}
	return s
}

// parseEnum reads a CLI spelling with the calculator's parser and returns
// its proto value; an unknown spelling is a usage error naming the flag.
func parseEnum[D interface{ Proto() P }, P any](flag, s string, parse func(string) (D, error)) (P, error) {
	v, err := parse(s)
	if err != nil {
		var zero P
		return zero, usagef("%s: %v", flag, err)
	}
	return v.Proto(), nil
}

// parsePeriod reads one --period value,
// "start=D,end=D,base-kind=K,base=Y[,contribution=R][,multiple=M][,proven=K+K]".
func parsePeriod(i int, s string) (*ipcasev1.DamagesPeriod, error) {
	p := &ipcasev1.DamagesPeriod{}
	flag := "--period #" + itoa(i+1)
	seen := map[string]bool{}
	for kv := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || v == "" {
			return nil, usagef("%s: %q is not key=value (keys: start, end, base-kind, base, contribution, multiple, proven)", flag, kv)
		}
		if seen[k] {
			return nil, usagef("%s: %s is given twice", flag, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "start":
			p.Start = v
		case "end":
			p.End = v
		case "base":
			p.BaseYuan = v
		case "contribution":
			p.Contribution = v
		case "multiple":
			p.Multiple = punitiveMultiple(v)
		case "base-kind":
			p.BaseKind, err = parseEnum(flag+" base-kind", v, damages.ParseBaseKind)
		case "proven":
			for pk := range strings.SplitSeq(v, "+") {
				var kind ipcasev1.DamagesBaseKind
				if kind, err = parseEnum(flag+" proven", pk, damages.ParseBaseKind); err != nil {
					break
				}
				p.Proven = append(p.Proven, kind)
			}
		default:
			return nil, usagef("%s: unknown key %q (keys: start, end, base-kind, base, contribution, multiple, proven)", flag, k)
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// calculate runs req in process (local) or on the server; the server also
// answers the similar cases req asks for.
func calculate(ctx context.Context, cfg *config, local bool, req *ipcasev1.CalculateDamagesRequest) (damages.Result, *ipcasev1.SimilarCases, error) {
	if local {
		res, err := damages.CalculateFromProto(req)
		return res, nil, commandError(err, damagesFlagOf)
	}
	var resp *ipcasev1.CalculateDamagesResponse
	err := callServer(ctx, cfg, "CalculateDamages", func(ctx context.Context, c ipcasev1.DamagesServiceClient) (err error) {
		resp, err = c.CalculateDamages(ctx, req)
		return err
	}, damagesFlagOf)
	if err != nil {
		return damages.Result{}, nil, err
	}
	res, err := damages.ResultFromProto(resp)
	if err != nil {
		return damages.Result{}, nil, &failure{err}
	}
	return res, resp.GetSimilar(), nil
}

// damagesFlags names the flag behind each CalculateDamagesRequest field, for
// refusal messages.
var damagesFlags = map[string]string{
	"ip_type":               "--ip-type",
	"period":                "--conduct-start/--conduct-end",
	"periods":               "--period",
	"period.start":          "--conduct-start",
	"period.end":            "--conduct-end",
	"period.base_kind":      "--base-kind",
	"period.base_yuan":      "--base",
	"period.contribution":   "--contribution",
	"period.proven":         "--proven",
	"period.multiple":       "--multiple",
	"statutory":             "--statutory",
	"statutory_amount_yuan": "--statutory-amount",
	"multiple":              "--multiple",
	"formula":               "--formula",
	"intentional":           "--intentional",
	"serious":               "--serious",
	"intent_factors":        "--intent-factor",
	"serious_factors":       "--serious-factor",
	"expenses_yuan":         "--expenses",
	"claim_total_yuan":      "--claim",
	"claim_damages_yuan":    "--claim-damages",
	"claim_expenses_yuan":   "--claim-expenses",
	"paid_fine_yuan":        "--paid-fine",
	"punitive_claim":        "--punitive-claimed",
	"separate_acts":         "--separate-acts",
	"books_withheld":        "--books-withheld",
	"plant_variety_factors": "--plant-variety-factor",
	"liability":             "--liability",
	"defendants":            "--defendant",
}

// damagesFlagOf returns the flag for a request field path: "multiple" →
// "--multiple", "period.proven[1]" → "--proven", "periods[1].base_yuan" →
// "--period #2 base".
func damagesFlagOf(field string) string {
	if rest, ok := strings.CutPrefix(field, "periods["); ok {
		n, sub, _ := strings.Cut(rest, "]")
		flag := "--period #" + itoa(atoi(n)+1)
		if sub = strings.TrimPrefix(sub, "."); sub != "" {
			sub = strings.TrimSuffix(stripIndex(sub), "_yuan")
			flag += " " + strings.ReplaceAll(sub, "_", "-")
		}
		return flag
	}
	if rest, ok := strings.CutPrefix(field, "defendants["); ok {
		n, _, _ := strings.Cut(rest, "]")
		return "--defendant #" + itoa(atoi(n)+1)
	}
	if f, ok := similarFlagNames[stripIndex(field)]; ok {
		return f
	}
	return damagesFlags[stripIndex(field)]
}
