package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
)

// step is what the enforcement and mediation verbs share: the proceeding
// (matters/{m}/proceedings/{p}), its etag (read first when not given) and a
// request id.
type step struct {
	etag, requestID string
}

func (st *step) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&st.etag, "etag", "", "the etag as you last read it; without it the current one is read, and a change made since then by someone else is not detected")
	cmd.Flags().StringVar(&st.requestID, "request-id", "", "makes the call safe to retry: the same id returns the first answer (default: a new id)")
}

// record is a proceeding's record as the CLI prints it.
type record interface {
	proto.Message
	GetName() string
	GetEtag() string
}

// getRecord reads the proceeding name.
type getRecord func(ctx context.Context, c clients, name string) (record, error)

// stepCall applies a step to the proceeding name (or, opening one, the
// matter name) at etag, under requestID.
type stepCall func(ctx context.Context, c clients, name, etag, requestID string) (record, error)

// run reads the etag with get unless given, applies call, and prints the
// record with summary (or as JSON).
func (st *step) run(ctx context.Context, cfg *config, method, name string, get getRecord, call stepCall, summary func(record) string,
	flagOf func(string) string) error {
	id := firstOf(st.requestID, "cli-"+uuid.NewString())
	var r record
	err := withConn(ctx, cfg, func(ctx context.Context, c clients) error {
		etag := st.etag
		if etag == "" && get != nil {
			cur, err := get(ctx, c, name)
			if err != nil {
				return err
			}
			etag = cur.GetEtag()
		}
		var err error
		r, err = call(ctx, c, name, etag, id)
		return err
	}, method, flagOf)
	if err != nil {
		return err
	}
	return printRecord(cfg, r, summary)
}

// printRecord prints r as JSON, or as its name, summary and etag.
func printRecord(cfg *config, r record, summary func(record) string) error {
	if cfg.output == outputJSON {
		return writeProto(cfg.stdout, r)
	}
	return writef(cfg.stdout, "%s\n  %s\n  etag %s\n", r.GetName(), summary(r), r.GetEtag())
}

// proceedingVerbs builds the commands of one kind of proceeding, which all
// read, change and print its record the same way.
type proceedingVerbs struct {
	service string // the gRPC service, naming the method in errors
	get     getRecord
	summary func(record) string
	// flagOf names the flag behind a request field; nil: stepFlag.
	flagOf func(string) string
}

func (v proceedingVerbs) flag(field string) string {
	if v.flagOf != nil {
		return v.flagOf(field)
	}
	return stepFlag(field)
}

// open builds a command that opens a proceeding on the matter MATTER, its
// one argument, with call: a step with no etag to read first.
func (v proceedingVerbs) open(cfg *config, use, short, method string, call stepCall) *cobra.Command {
	v.get = nil
	return v.step(cfg, use, short, method, func(ctx context.Context, c clients, matter, etag, id string) (record, error) {
		return call(ctx, c, matterName(matter), etag, id)
	})
}

// step builds the command of a step on the proceeding CASE, its one
// argument, made with call; method names the call in errors.
func (v proceedingVerbs) step(cfg *config, use, short, method string, call stepCall) *cobra.Command {
	var st step
	cmd := &cobra.Command{Use: use, Short: short, Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
		return st.run(cmd.Context(), cfg, v.service+"."+method, args[0], v.get, call, v.summary, v.flag)
	}}
	st.flags(cmd)
	return cmd
}

// show builds `show CASE`, which prints the proceeding; method names the
// read in errors.
func (v proceedingVerbs) show(cfg *config, short, method string) *cobra.Command {
	return &cobra.Command{Use: "show CASE", Short: short, Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
		return withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
			r, err := v.get(ctx, c, args[0])
			if err != nil {
				return err
			}
			return printRecord(cfg, r, v.summary)
		}, v.service+"."+method, v.flag)
	}}
}

// stepFlag names the flag behind a request field: `fine_yuan` → `--fine`
// where a verb says so, else the field with dashes.
func stepFlag(field string) string {
	if f, ok := stepFlags[stripIndex(field)]; ok {
		return f
	}
	f := stripIndex(field)
	if i := strings.LastIndex(f, "."); i >= 0 {
		f = f[i+1:]
	}
	return "--" + strings.ReplaceAll(strings.TrimSuffix(f, "_yuan"), "_", "-")
}

var stepFlags = map[string]string{
	"name": "CASE", "etag": "--etag", "request_id": "--request-id", "matter": "MATTER",
	"fine_yuan": "--fine", "inspection.officers": "--officer", "inspection.seized_goods": "--seize",
	"findings.business_volume_yuan": "--volume", "findings.illegal_gains_yuan": "--gains", "findings.goods_value_yuan": "--goods-value",
	"court": "--court", "police_unit": "--police", "applicants": "--applicant", "agreement.payment_yuan": "--payment",
}

// oneCase accepts exactly one CASE (or MATTER) argument.
func oneCase(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef("%q takes one proceeding, matters/{m}/proceedings/{p}, got %d arguments", cmd.CommandPath(), len(args))
	}
	return nil
}

func lowerState(s fmt.Stringer) string { return lower(s.String(), "PROCEEDING_STATE_") }
