// Package customs owns CUSTOMS proceedings: protection of IP rights at the
// border under the Regulations on Customs Protection of IPR (2018
// revision) and the GAC Implementing Measures. It keeps the recordations
// (备案) of trademarks, copyrights and patents with the General
// Administration of Customs, which ex officio protection relies on; the
// detention of a shipment on the holder's application or ex officio, with
// the holder's guarantee; the periods in working days (package deadline)
// after which the goods are released; customs' finding on goods detained
// ex officio and what becomes of them; and the link to the courts: the
// holder's action reaches the court as a transfer does
// (customs.court_action_filed, schema ipcase.transfer.v1), and a court's
// preservation order or effective judgment in the matter decides the goods
// held for it.
//
// The matter, its parties and its proceedings belong to package filing;
// this package keeps the shipment record (one document per proceeding,
// table customs_cases) and the recordations (customs_recordations).
package customs
