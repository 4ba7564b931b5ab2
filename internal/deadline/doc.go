// Package deadline computes statutory periods on China's official calendar.
// It is pure — no database, no clock of its own — so the CLI computes
// offline exactly what the server stores.
//
// Compute turns a trigger date and a Rule (a period in calendar days,
// working days, months or years, with its legal basis and the convention
// it is counted by) into a due date with its derivation:
//
//   - the trigger day is not counted (CPL Art. 85 ¶2; Civil Code Art. 201;
//     SPC CPL Interpretation Art. 125);
//   - month and year periods end on the corresponding day, else the month's
//     last day (Civil Code Art. 202);
//   - rest days inside a period are not deducted; a last day that is a public
//     holiday or an ordinary weekend moves to the next working day (CPL
//     Art. 85 ¶3; Civil Code Art. 203; Saturday and Sunday are the weekly
//     rest days, State Council Provisions on Working Hours Art. 7);
//   - working-day periods (Administrative Penalty Law Art. 85) count working
//     days only and are not moved further;
//   - a make-up working day (调休上班) is a working day: a period ending on
//     one is not extended. The law is unsettled here; the derivation says so
//     whenever it matters.
//
// Every statutory period ipcase runs a clock on is declared once, with its
// citation and counting convention, in periods.go (Period); the proceedings
// start their clocks from those, through package clock.
//
// Public holidays and make-up working days are data, never rules: one JSON
// file per year of the State Council's notices, embedded from calendars/
// and replaceable by operators (LoadCalendar). A computation that needs a
// day of a year without a file fails with *UncoveredYearError. Every
// Computation records the calendar's Version, so that stored deadlines can
// be recomputed when the calendar changes. SOURCES.md says where each
// notice, rule and reading comes from.
//
// Server is the DeadlineService calculator.
package deadline
