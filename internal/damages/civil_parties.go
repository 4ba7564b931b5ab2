package damages

import (
	"fmt"
	"math/big"
	"unicode/utf8"
)

// Defendant is one of several defendants answering for the award.
type Defendant struct {
	// Name identifies the defendant in the result; required, unique.
	Name string
	// Share is its share of the award in (0, 1]; give a share for every
	// defendant (summing to 1) or for none (equal shares).
	Share Ratio
}

// DefendantShare is what one defendant answers for.
type DefendantShare struct {
	Name  string `json:"name"`
	Share Ratio  `json:"share,omitzero"` // zero: equal shares
	// Owes is what the holder may claim from this defendant: the whole
	// total under joint and several liability, the share otherwise.
	Owes Fen `json:"owes"`
	// Internal is the defendant's final share among the defendants.
	Internal Fen `json:"internal"`
}

const (
	maxDefendants = 32
	maxName       = 200

	citeJoint   = "Civil Code Art. 1168 (joint infringement) and Art. 1169 (abetting or assisting): joint and several liability; Art. 178: the holder may claim the whole from any of them, and among themselves they bear it by share, equally where the shares cannot be determined"
	citeByShare = "Civil Code Art. 1172 (separate acts causing the same damage) and Art. 177: each bears its share, equally where the shares cannot be determined"
)

// checkDefendants checks the apportionment input.
func checkDefendants(req Request, rf *refusals) {
	if req.Liability < 0 || int(req.Liability) >= len(liabilityNames) {
		rf.add("liability", "unknown liability %d", int(req.Liability))
		return
	}
	n := len(req.Defendants)
	switch {
	case req.Liability == LiabilityUnspecified && n > 0:
		rf.add("liability", "required with defendants: joint-and-several (Civil Code Arts. 1168, 1169, 178) or by-share (Arts. 1172, 177)")
		return
	case req.Liability != LiabilityUnspecified && n < 2:
		rf.add("defendants", "%s liability needs two or more defendants, %d given", req.Liability, n)
		return
	case n > maxDefendants:
		rf.add("defendants", "%d given; at most %d are accepted", n, maxDefendants)
		return
	}
	seen := map[string]bool{}
	withShare := 0
	var sum int64
	for i, d := range req.Defendants {
		f := fmt.Sprintf("defendants[%d]", i)
		switch l := utf8.RuneCountInString(d.Name); {
		case d.Name == "":
			rf.add(f+".name", "required")
		case l > maxName:
			rf.add(f+".name", "too long: %d characters, at most %d", l, maxName)
		case seen[d.Name]:
			rf.add(f+".name", "%q is given twice", d.Name)
		}
		seen[d.Name] = true
		if !d.Share.IsZero() {
			withShare++
			sum += d.Share.micro
			if d.Share.Cmp(oneTimes) > 0 {
				rf.add(f+".share", "%s is above 1", d.Share)
			}
		}
	}
	switch {
	case withShare > 0 && withShare < n:
		rf.add("defendants", "give a share for every defendant or for none (equal shares, Civil Code Arts. 177, 178): %d of %d have one", withShare, n)
	case n > 0 && withShare == n && sum != ratioScale:
		rf.add("defendants", "the shares add up to %s, not 1", Ratio{sum})
	}
}

// apportion splits total among the defendants. Each share is rounded half
// up to the fen from its exact value, except the last, which takes what is
// left, so that the internal shares add up to the total exactly.
func apportion(req Request, total Fen, ex *explainer) ([]DefendantShare, error) {
	n := len(req.Defendants)
	if n == 0 {
		return nil, nil
	}
	out := make([]DefendantShare, n)
	left := total
	for i, d := range req.Defendants {
		share := d.Share
		exact := new(big.Rat).Mul(total.rat(), share.rat())
		if share.IsZero() {
			exact = new(big.Rat).Quo(total.rat(), big.NewRat(int64(n), 1))
			share = Ratio{}
		}
		amt := left
		if i < n-1 {
			var err error
			if amt, err = roundHalfUp(exact); err != nil {
				return nil, err
			}
		}
		left -= amt
		out[i] = DefendantShare{Name: d.Name, Share: share, Internal: amt, Owes: amt}
		if req.Liability == JointAndSeveral {
			out[i].Owes = total
		}
	}
	equal := req.Defendants[0].Share.IsZero()
	how := "by the shares given"
	if equal {
		how = fmt.Sprintf("equally, 1/%d each, since no shares were given", n)
	}
	switch req.Liability {
	case JointAndSeveral:
		ex.stepf("Apportionment: joint and several — each of the %d defendants answers to the holder for the whole %s; among themselves %s (Civil Code Arts. 1168, 1169, 178)", n, total.grouped(), how)
		ex.cite(citeJoint)
	default:
		ex.stepf("Apportionment: by share — %s (Civil Code Arts. 1172, 177)", how)
		ex.cite(citeByShare)
	}
	for _, d := range out {
		ex.stepf("Apportionment: %s owes the holder %s; its own share %s", d.Name, d.Owes.grouped(), d.Internal.grouped())
	}
	return out, nil
}

// defendantFigures are the figure lines of an apportionment.
func defendantFigures(l Liability, ds []DefendantShare) []Figure {
	art := "Civil Code Arts. 1172, 177 (by share)"
	if l == JointAndSeveral {
		art = "Civil Code Arts. 1168, 1169, 178 (joint and several; internal share by Art. 178 ¶2)"
	}
	fs := make([]Figure, len(ds))
	for i, d := range ds {
		fs[i] = Figure{Name: "Defendant " + d.Name, Value: d.Owes.String() + " (share " + d.Internal.String() + ")", Article: art}
	}
	return fs
}
