// Package enforcement owns ENFORCEMENT proceedings: an agency opens a case
// (立案) on an accepted matter or of its own motion, assigns officers,
// records inspections, seizures and their custody, records its findings,
// notifies the intended penalty with the lawful fine range from package
// damages, hears the party, and decides, dismisses, or transfers the case to
// a court or the police — each step an event in the matter's chain, and the
// statutory clocks kept by package deadline.
//
// The matter, its parties and its proceedings belong to package filing; this
// package keeps the case record (one document per proceeding), decision
// numbers, and the record of decided infringements that repeat-offender
// rules read.
package enforcement
