package main

import (
	"context"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func newMediationRouteCmd(cfg *config) *cobra.Command {
	var f struct {
		enforcement bool
		court       string
	}
	cmd := mediationVerbs.step(cfg, "route CASE --enforcement | --sue-at COURT",
		"After a mediation without agreement, record the right holder's route: the open enforcement case resumes, or a suit is filed "+
			"and the court receives the mediation's record without what the parties conceded (SPC Interpretation of the CPL Art. 107)",
		"ChooseRouteAfterMediation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.ChooseRouteAfterMediationRequest{Name: name, Etag: etag, RequestId: id, Court: f.court}
			switch {
			case f.enforcement == (f.court != ""):
				return nil, usagef("give --enforcement or --sue-at COURT")
			case f.enforcement:
				req.Route = ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT
			default:
				req.Route = ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT
			}
			r, err := c.mediation.ChooseRouteAfterMediation(ctx, req)
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.BoolVar(&f.enforcement, "enforcement", false, "the matter's open enforcement case resumes")
	fs.StringVar(&f.court, "sue-at", "", "code of the court the right holder sues at")
	return cmd
}
