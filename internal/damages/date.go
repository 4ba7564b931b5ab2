package damages

import (
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// ymd builds a date from literal parts, for the law tables.
func ymd(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }
