package enforcement

import (
	"fmt"
	"strings"

	"github.com/ipcase/ipcase/internal/damages"
)

// Config is enforcement's configuration.
type Config struct {
	// Hearing lists agencies' own hearing thresholds (SAMR Hearing Measures
	// Art. 5 ¶2: a province may set its own amounts), as
	// `AGENCY=PERSON:ORGANISATION` in yuan, comma-separated, e.g.
	// `SAMR-GD=5000:100000`. Agencies not listed use 10,000 / 100,000.
	Hearing string `env:"IPCASE_HEARING_THRESHOLDS"`
}

// HearingThresholds parses Hearing.
func (c Config) HearingThresholds() (map[string]damages.HearingThresholds, error) {
	out := map[string]damages.HearingThresholds{}
	if strings.TrimSpace(c.Hearing) == "" {
		return out, nil
	}
	for _, item := range strings.Split(c.Hearing, ",") {
		agency, amounts, ok := strings.Cut(strings.TrimSpace(item), "=")
		person, org, ok2 := strings.Cut(amounts, ":")
		if !ok || !ok2 || agency == "" {
			return nil, fmt.Errorf("IPCASE_HEARING_THRESHOLDS: %q is not AGENCY=PERSON:ORGANISATION", item)
		}
		p, err1 := damages.ParseYuan(person)
		o, err2 := damages.ParseYuan(org)
		if err1 != nil || err2 != nil || p <= 0 || o <= 0 {
			return nil, fmt.Errorf("IPCASE_HEARING_THRESHOLDS: %q: amounts must be positive yuan", item)
		}
		out[agency] = damages.HearingThresholds{NaturalPerson: p, Organisation: o}
	}
	return out, nil
}
