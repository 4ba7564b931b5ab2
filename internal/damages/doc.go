// Package damages computes what Chinese IP law lets a court award and an
// agency fine, by the law version in force on the date of the conduct, and
// says how it got there.
//
// It owns two calculations and the law tables behind them:
//
//   - Calculate: civil damages for patent, trademark, copyright, trade
//     secret, plant variety, geographical indication and IC layout
//     infringement, including punitive damages (the damages clause of each
//     IP statute; Civil Code Art. 1185; the SPC Interpretation on Punitive
//     Damages in IP Civil Cases, Fa Shi [2021] No. 4).
//   - CalculateFine: the lawful administrative fine range, with the
//     lighter-later-law rule (Administrative Penalty Law 2021 Art. 37), the
//     heavier-penalty (从重) flag, the hearing right (Art. 63; SAMR Hearing
//     Measures Art. 5) and the criminal-transfer flag (State Council
//     Transfer Provisions 2020 Art. 3 ¶2; Fa Shi [2025] No. 5).
//
// It owns nothing else: no database, no I/O, no clock and no package state.
// Callers pass every date (conduct, decision) and every threshold that an
// agency may set differently. Each table entry cites its statute, article
// and paragraph; every result carries the citations and a step-by-step
// derivation meant to be shown to the user as is.
//
// SOURCES.md, next to this file, is the maintainers' reference for the
// tables: for every law and fine table row it gives the article, the
// in-force date and the instrument that set it, what was checked against the
// statute text and how, and the reading chosen wherever the law is
// unsettled. Check a table change against it, and update it with the change.
//
// # Money and rounding
//
// Amounts are Fen (integer 1/100 yuan) and multiples and contribution rates
// are Ratio (exact decimals, 6 places); no float64 is used on any money path.
// Calculate works in exact rationals (math/big.Rat) and rounds half-up to
// the fen exactly once per reported figure, from the exact value:
//
//   - a period's effective base (base × contribution) and its damages are
//     each rounded from their exact values; its punitive part is
//     damages − effective base after rounding;
//   - the totals Base and Damages are rounded from the exact sums over all
//     periods (not summed from rounded period figures, so they may differ
//     from that sum by a fen); Punitive is Damages − Base;
//   - expenses, claims and fine figures are integer fen and never rounded.
//
// So Base + Punitive = Damages always holds, and the multiplicative award
// with multiple m equals the additive award with m − 1 to the fen.
//
// # Punitive formula
//
// The statutes and the SPC Interpretation (Fa Shi [2021] No. 4) leave open
// whether the award is base × m or base + base × m. Calculate
// supports both and defaults to ADDITIVE, the reading of the Beijing High
// People's Court Guidelines on Punitive Damages (2022) §3.1 and of recent SPC
// judgments; the Result says which was used, and its Punitive field is the
// uplift over the compensatory base in either case (base × m under ADDITIVE,
// base × m − base under MULTIPLICATIVE).
//
// # Errors
//
// Every refusal is an InputErrors value listing InputError{Field, Reason}:
// Field is the snake_case path of the request field at fault
// ("periods[1].base_kind", "multiple"), Reason names the rule and the
// article that refused it. The gRPC layer maps it to INVALID_ARGUMENT with
// one field violation each.
package damages
