package deadline

import (
	"context"

	"github.com/ipcase/ipcase/internal/civil"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
)

// Server implements ipcasev1.DeadlineServiceServer over Compute. It reads
// no clock and no database.
type Server struct {
	ipcasev1.UnimplementedDeadlineServiceServer
	cal *Calendar
}

var _ ipcasev1.DeadlineServiceServer = (*Server)(nil)

// NewServer returns a DeadlineService server computing on cal; nil means
// the embedded calendar.
func NewServer(cal *Calendar) *Server {
	if cal == nil {
		cal = mustEmbedded()
	}
	return &Server{cal: cal}
}

// CalculateDeadline computes a due date. A refused request, including one
// that needs a year the calendar does not cover, returns *errs.FieldErrors
// naming the request fields.
func (s *Server) CalculateDeadline(_ context.Context, req *ipcasev1.CalculateDeadlineRequest) (*ipcasev1.CalculateDeadlineResponse, error) {
	c, err := CalculateFromProto(s.cal, req)
	if err != nil {
		return nil, err
	}
	return ComputationToProto(c), nil
}

var unitFromProto = map[ipcasev1.PeriodUnit]Unit{
	ipcasev1.PeriodUnit_PERIOD_UNIT_CALENDAR_DAYS: CalendarDays,
	ipcasev1.PeriodUnit_PERIOD_UNIT_WORKING_DAYS:  WorkingDays,
	ipcasev1.PeriodUnit_PERIOD_UNIT_MONTHS:        Months,
	ipcasev1.PeriodUnit_PERIOD_UNIT_YEARS:         Years,
}

// Proto returns u's wire value.
func (u Unit) Proto() ipcasev1.PeriodUnit {
	for p, v := range unitFromProto {
		if v == u {
			return p
		}
	}
	return ipcasev1.PeriodUnit_PERIOD_UNIT_UNSPECIFIED
}

// CalculateFromProto converts req and computes it on cal, so that the
// server and a local client (ipcase deadline calc --local) refuse and answer
// alike. Every refusal is a *errs.FieldErrors on the request's field names;
// a year cal does not cover is a violation of trigger_date naming the year.
func CalculateFromProto(cal *Calendar, req *ipcasev1.CalculateDeadlineRequest) (Computation, error) {
	rule := Rule{Period: int(req.GetPeriod()), Basis: req.GetBasis(), Unit: Unit(req.GetUnit())}
	if u, ok := unitFromProto[req.GetUnit()]; ok {
		rule.Unit = u
	}
	var trigger civil.Date
	if s := req.GetTriggerDate(); s != "" {
		d, err := civil.Parse(s)
		if err != nil {
			v := &errs.FieldErrors{}
			v.Add("trigger_date", "%v", err)
			rule.check(v, "")
			return Computation{}, v
		}
		trigger = d
	}
	c, err := Compute(cal, trigger, rule)
	if u, ok := IsUncovered(err); ok {
		return Computation{}, errs.Field("trigger_date", "%v", u)
	}
	return c, err
}

// ComputationToProto converts c for the wire.
func ComputationToProto(c Computation) *ipcasev1.CalculateDeadlineResponse {
	return &ipcasev1.CalculateDeadlineResponse{
		DueDate:                c.Due.String(),
		RawEndDate:             c.RawEnd.String(),
		Adjusted:               c.Adjusted,
		EndsOnMakeUpWorkingDay: c.EndsOnMakeUpWorkingDay,
		Steps:                  c.Steps,
		CalendarVersion:        c.CalendarVersion,
		Provisional:            c.Provisional,
	}
}

// ComputationFromProto rebuilds the Computation of req that the server
// answered with resp.
func ComputationFromProto(req *ipcasev1.CalculateDeadlineRequest, resp *ipcasev1.CalculateDeadlineResponse) (Computation, error) {
	c := Computation{Rule: Rule{Period: int(req.GetPeriod()), Unit: unitFromProto[req.GetUnit()], Basis: req.GetBasis()},
		Adjusted: resp.GetAdjusted(), EndsOnMakeUpWorkingDay: resp.GetEndsOnMakeUpWorkingDay(),
		CalendarVersion: resp.GetCalendarVersion(), Steps: resp.GetSteps(), Provisional: resp.GetProvisional()}
	var err error
	if c.Trigger, err = civil.Parse(req.GetTriggerDate()); err != nil {
		return Computation{}, err
	}
	if c.Due, err = civil.Parse(resp.GetDueDate()); err != nil {
		return Computation{}, err
	}
	if c.RawEnd, err = civil.Parse(resp.GetRawEndDate()); err != nil {
		return Computation{}, err
	}
	return c, nil
}
