// Package mediation owns MEDIATION proceedings: voluntary mediation of the
// damages of an infringement (Trademark Law Art. 60 ¶3; Patent Law Art. 65),
// requested by a party or referred by an officer or a court, started only
// when every party has consented, by a mediator who did not work the
// enforcement case of the same matter; sessions; an agreement with
// structured terms; and the parties' joint application to a court for
// judicial confirmation within 30 days after the agreement takes effect
// (CPL Art. 205), which the judicial side receives as an event.
package mediation
