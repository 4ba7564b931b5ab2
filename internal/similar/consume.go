package similar

import (
	"strings"

	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Types are the events similar consumes.
var Types = []events.Type{events.EnforcementDecided, events.TrialJudgmentEffective}

// ConsumerName is the name of similar's consumer of the log.
const ConsumerName = "similar"

// Register adds the consumer that records each decided matter's features.
func Register(cs *events.Consumers, fs *filing.Store) *events.Consumer {
	return cs.Register(ConsumerName, Types, Recorder(fs))
}

// Recorder returns the consumer's handler: it reads the matter through
// filing and records one row per deciding event.
func Recorder(fs *filing.Store) events.Handler {
	return func(tx store.Tx, e events.Entry) error {
		m, err := fs.Lock(tx, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return err
		}
		rec := Matter{MatterID: e.Event.MatterID, EventSeq: e.Event.Seq, Facts: m.Facts, Share: -1}
		switch e.Event.Type {
		case events.EnforcementDecided:
			p, err := events.Decode[events.DecidedPayload](e.Event)
			if err != nil {
				return err
			}
			if p.Basis == nil { // decided before the basis was recorded: nothing to compare
				return nil
			}
			b := p.Basis
			rec.Kind, rec.IPType, rec.Law, rec.Number, rec.Decider, rec.DecidedOn = Fine, b.Offence, b.Law, p.Number, m.Agency, p.DecidedOn
			rec.Amount = fen(p.Fine)
			rec.Base = fen(b.Base)
			rec.Repeat, rec.Serious = b.Repeat, b.Serious
			rec.Multiple = thousandths(rec.Amount, rec.Base)
			if lo, hi := fen(b.Min), fen(b.Max); hi > lo {
				rec.Share = int(min(1000, max(0, (rec.Amount-lo)*1000/(hi-lo))))
			}
		case events.TrialJudgmentEffective:
			p, err := events.Decode[events.JudgmentEffective](e.Event)
			if err != nil {
				return err
			}
			if p.Ruling || !p.InfringementFound || len(m.Rights) == 0 {
				return nil
			}
			ip := damagesType(m.Rights[0].Type)
			v, ok := damages.VersionAt(ip, p.DecidedOn)
			if !ok {
				return nil
			}
			// A judgment's event carries the award, not its computation:
			// base and multiple are not known (0).
			rec.Kind, rec.IPType, rec.Law, rec.Number, rec.Decider, rec.DecidedOn = Damages, ip.String(), v.Law, p.CourtNumber, p.Court, p.DecidedOn
			rec.Amount = fen(p.Damages)
		default:
			return nil
		}
		rec.Region = Region(rec.Decider)
		return add(tx, rec)
	}
}

func fen(yuan string) damages.Fen {
	f, err := damages.ParseYuan(yuan)
	if err != nil {
		return 0
	}
	return f
}

// thousandths is a/b in thousandths, 0 when b is 0.
func thousandths(a, b damages.Fen) int {
	if b <= 0 {
		return 0
	}
	return int(int64(a) * 1000 / int64(b))
}

// damagesType is the damages engine's IP type of a filed right.
func damagesType(t filing.IPType) damages.IPType {
	if t == filing.ICLayoutDesign {
		return damages.ICLayout
	}
	ip, err := damages.ParseIPType(strings.ReplaceAll(strings.ToLower(string(t)), "_", "-"))
	if err != nil {
		return damages.IPTypeUnspecified
	}
	return ip
}
