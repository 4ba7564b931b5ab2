// Package deadline computes statutory clocks on China's official calendar
// and keeps the clocks of each matter.
//
// The core is pure: Compute turns a trigger date and a Rule (a period in
// calendar days, working days, months or years, with its legal basis) into
// a due date, following reference/CALENDAR.md §4.7:
//
//   - the trigger day is not counted (CPL Art. 85; Civil Code Art. 201;
//     SPC CPL Interpretation Art. 125);
//   - month and year periods end on the corresponding day, else the month's
//     last day (Civil Code Art. 202);
//   - rest days inside a period are not deducted; a last day that is a public
//     holiday or an ordinary weekend moves to the next working day (CPL
//     Art. 85; Civil Code Art. 203; CALENDAR.md §4.4);
//   - working-day periods (Administrative Penalty Law Art. 85) count working
//     days only and are not moved further;
//   - a make-up working day (调休上班) is a working day: a period ending on
//     one is not extended. The law is unsettled here (CALENDAR.md §4.5); the
//     derivation says so whenever it matters.
//
// Public holidays and make-up working days are data, never rules: one JSON
// file per year of the State Council's notices, embedded from calendars/
// and replaceable by operators (LoadCalendar). A computation that needs a
// day of a year without a file fails with *UncoveredYearError. Every
// Computation records the calendar's Version, and Store.Recompute moves open
// deadlines when the calendar changes.
//
// Around the core: Store keeps the deadlines of proceedings in Postgres
// (opened, closed and extended inside the caller's transaction); Sweeper
// announces approaching deadlines and marks missed ones, one replica at a
// time; Server is the DeadlineService calculator.
package deadline
