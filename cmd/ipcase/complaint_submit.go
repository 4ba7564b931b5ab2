package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// submitFlags are the flags of `ipcase complaint submit`.
type submitFlags struct {
	file, requestID                   string
	complainant, contact              string
	respondents, rights, evidence     []string
	facts, claims, knownSince, agency string
}

func newComplaintSubmitCmd(cfg *config) *cobra.Command {
	var f submitFlags
	cmd := &cobra.Command{
		Use:   "submit [--file complaint.json|yaml] [--complainant …] [--respondent …] [--right …] [--evidence PATH[:SOURCE[:DESCRIPTION]] …]",
		Short: "File a complaint, uploading its evidence files first",
		Long: `submit files a complaint with an agency. The complaint is read from --file (the
JSON form of SubmitComplaintRequest, as POST /v1/matters takes it, or the same
in YAML) and from flags: a flag given replaces the file's field, a repeated
flag adds to the file's list.

A party is parties/{id} (one already on record) or KIND:NAME[:CREDIT_CODE],
KIND person or organization; a right is TYPE:NUMBER:TITLE (TYPE as in
damages calc --ip-type; NUMBER empty for copyright and trade secrets).

Each --evidence PATH[:SOURCE[:DESCRIPTION]] is uploaded through
EvidenceService.UploadEvidence before the complaint is filed, and the
complaint cites it by the digest the server computed. SOURCE is party (the
default), notarised, timestamped, seized or other.

Without --request-id the request id is derived from the complaint itself
(evidence digests included), so running the same command again after a
failure returns the matter the first run filed instead of filing it twice.`,
		Example: `  ipcase complaint submit --agency SAMR-HZ \
    --complainant 'organization:福州星河茶饮有限公司:91350100M000100Y43' --contact 'legal@xinghe.example' \
    --respondent 'organization:杭州仿品贸易有限公司:91330100MA2AXQ9B12' \
    --right 'trademark:12345678:星河' --facts 'Counterfeit cups sold at three shops.' \
    --known-since 2026-02-20 --evidence 'photo.jpg:notarised:the cups on sale'

  ipcase complaint submit --file complaint.yaml --evidence invoice.pdf -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, cfg) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.file, "file", "", "read the complaint from `file` (JSON or YAML: SubmitComplaintRequest)")
	fs.StringVar(&f.complainant, "complainant", "", "the complainant: parties/{id} or KIND:NAME[:CREDIT_CODE]")
	fs.StringVar(&f.contact, "contact", "", "the complainant's address, telephone or e-mail for service (sign-in links go there)")
	fs.StringArrayVar(&f.respondents, "respondent", nil, "an alleged infringer: parties/{id} or KIND:NAME[:CREDIT_CODE] (repeat)")
	fs.StringArrayVar(&f.rights, "right", nil, "a right infringed, TYPE:NUMBER:TITLE (repeat)")
	fs.StringVar(&f.facts, "facts", "", "the facts of the infringement")
	fs.StringVar(&f.claims, "claims", "", "what the complainant asks for")
	fs.StringVar(&f.knownSince, "known-since", "", "day the complainant learned of the infringement and the infringer (YYYY-MM-DD; Civil Code Art. 188)")
	fs.StringVar(&f.agency, "agency", "", "code of the agency the complaint is filed with")
	fs.StringArrayVar(&f.evidence, "evidence", nil, "an evidence file to upload, PATH[:SOURCE[:DESCRIPTION]] (repeat)")
	fs.StringVar(&f.requestID, "request-id", "", "makes the call safe to retry (default: derived from the complaint, so a retry does not file it twice)")
	return cmd
}

func (f *submitFlags) run(cmd *cobra.Command, cfg *config) error {
	req, err := f.request(cmd)
	if err != nil {
		return err
	}
	uploads, err := f.uploads()
	if err != nil {
		return err
	}
	var m *ipcasev1.Matter
	err = withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
		for _, u := range uploads {
			file, err := upload(ctx, c.evidence, u.path)
			if err != nil {
				return fmt.Errorf("uploading %s: %w", u.path, err)
			}
			req.Evidence = append(req.Evidence, &ipcasev1.Evidence{Sha256: file.GetSha256(), SizeBytes: file.GetSizeBytes(),
				MediaType: file.GetMediaType(), Source: u.source, Description: u.description})
		}
		req.RequestId = firstOf(f.requestID, contentRequestID(req))
		resp, err := c.filing.SubmitComplaint(ctx, req)
		m = resp.GetMatter()
		return err
	}, "FilingService.SubmitComplaint", submitFlag)
	if err != nil {
		return err
	}
	if cfg.output == outputJSON {
		return writeProto(cfg.stdout, m)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, filed with %s (%s). etag %s\n", m.GetNumber(), plainMatterState(m.GetState()), m.GetAgency(), m.GetName(), m.GetEtag())
	for _, e := range m.GetEvidence() {
		fmt.Fprintf(&b, "  evidence %s  %d bytes  %s  %s\n", e.GetSha256(), e.GetSizeBytes(), e.GetMediaType(), lower(e.GetSource().String(), "EVIDENCE_SOURCE_"))
	}
	for _, w := range m.GetWarnings() {
		fmt.Fprintf(&b, "  warning: %s\n", w.GetMessage())
	}
	fmt.Fprintf(&b, "Next: ipcase complaint accept %s --route enforcement|mediation|trial --forum CODE (or reject it)\n", m.GetName())
	return writef(cfg.stdout, "%s", b.String())
}

// request builds the complaint from --file and the flags.
func (f *submitFlags) request(cmd *cobra.Command) (*ipcasev1.SubmitComplaintRequest, error) {
	req := &ipcasev1.SubmitComplaintRequest{}
	if f.file != "" {
		var err error
		if req, err = readComplaintFile(f.file); err != nil {
			return nil, err
		}
	}
	fs := cmd.Flags()
	if fs.Changed("complainant") {
		p, err := parseParty("--complainant", f.complainant)
		if err != nil {
			return nil, err
		}
		req.Complainant = p
	}
	if fs.Changed("contact") {
		if req.Complainant == nil {
			return nil, usagef("--contact: give the complainant too (--complainant or --file)")
		}
		req.Complainant.Contact = f.contact
	}
	for _, s := range f.respondents {
		p, err := parseParty("--respondent", s)
		if err != nil {
			return nil, err
		}
		req.Respondents = append(req.Respondents, p)
	}
	for _, s := range f.rights {
		r, err := parseRight(s)
		if err != nil {
			return nil, err
		}
		req.Rights = append(req.Rights, r)
	}
	for flag, field := range map[string]*string{"facts": &req.Facts, "claims": &req.Claims, "known-since": &req.KnownSince, "agency": &req.Agency} {
		if fs.Changed(flag) {
			*field = fs.Lookup(flag).Value.String()
		}
	}
	if f.file == "" && len(flagChanged(fs, "complainant", "respondent", "right", "facts", "agency")) == 0 {
		return nil, usagef("give the complaint: --file, or --complainant, --respondent, --right, --facts and --agency")
	}
	return req, nil
}

// readComplaintFile reads a SubmitComplaintRequest in its JSON form, or
// the same written in YAML.
func readComplaintFile(path string) (*ipcasev1.SubmitComplaintRequest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--file: %v", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		var v any
		if err := yaml.Unmarshal(b, &v); err != nil {
			return nil, usagef("--file %s: not YAML: %v", path, err)
		}
		if b, err = json.Marshal(v); err != nil {
			return nil, usagef("--file %s: %v", path, err)
		}
	}
	req := &ipcasev1.SubmitComplaintRequest{}
	if err := protojson.Unmarshal(b, req); err != nil {
		return nil, usagef("--file %s: not a complaint (the JSON form of SubmitComplaintRequest): %v", path, err)
	}
	return req, nil
}

// parseParty reads parties/{id} or KIND:NAME[:CREDIT_CODE].
func parseParty(flag, s string) (*ipcasev1.Party, error) {
	if strings.HasPrefix(s, "parties/") {
		return &ipcasev1.Party{Name: s}, nil
	}
	p := strings.SplitN(s, ":", 3)
	kind, ok := ipcasev1.PartyKind_value["PARTY_KIND_"+enumName(p[0])]
	if !ok || len(p) < 2 || kind == 0 {
		return nil, usagef("%s %q: want parties/{id} or KIND:NAME[:CREDIT_CODE], KIND person or organization", flag, s)
	}
	party := &ipcasev1.Party{Kind: ipcasev1.PartyKind(kind), DisplayName: p[1]}
	if len(p) == 3 {
		party.CreditCode = p[2]
	}
	return party, nil
}

// parseRight reads TYPE:NUMBER:TITLE.
func parseRight(s string) (*ipcasev1.IpRight, error) {
	p := strings.SplitN(s, ":", 3)
	t, ok := ipcasev1.IpType_value["IP_TYPE_"+enumName(p[0])]
	if !ok || len(p) != 3 || t == 0 {
		return nil, usagef("--right %q: want TYPE:NUMBER:TITLE, TYPE one of %s", s, strings.Join(ipTypeNames, ", "))
	}
	return &ipcasev1.IpRight{Type: ipcasev1.IpType(t), RegistrationNumber: p[1], Title: p[2]}, nil
}

// evidenceUpload is one --evidence.
type evidenceUpload struct {
	path        string
	source      ipcasev1.EvidenceSource
	description string
}

// uploads reads the --evidence flags; each file must exist before anything
// is sent.
func (f *submitFlags) uploads() ([]evidenceUpload, error) {
	var out []evidenceUpload
	for _, s := range f.evidence {
		p := strings.SplitN(s, ":", 3)
		u := evidenceUpload{path: p[0], source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}
		if len(p) > 1 && p[1] != "" {
			v, ok := ipcasev1.EvidenceSource_value["EVIDENCE_SOURCE_"+enumName(p[1])]
			if !ok || v == 0 {
				return nil, usagef("--evidence %q: source %q is not party, notarised, timestamped, seized or other", s, p[1])
			}
			u.source = ipcasev1.EvidenceSource(v)
		}
		if len(p) > 2 {
			u.description = p[2]
		}
		if st, err := os.Stat(u.path); err != nil {
			return nil, usagef("--evidence: %v", err)
		} else if !st.Mode().IsRegular() {
			return nil, usagef("--evidence %s: not a regular file", u.path)
		}
		out = append(out, u)
	}
	return out, nil
}

// uploadChunk is the size of the pieces a file is sent in (the service
// asks for 64 KiB to 1 MiB).
const uploadChunk = 256 << 10

// upload streams the file at path into EvidenceService.UploadEvidence: its
// metadata (media type, name, size) first, then its content in chunks.
func upload(ctx context.Context, c ipcasev1.EvidenceServiceClient, path string) (*ipcasev1.EvidenceFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // read only
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	mediaType, err := mediaTypeOf(f)
	if err != nil {
		return nil, err
	}
	stream, err := c.UploadEvidence(ctx)
	if err != nil {
		return nil, err
	}
	err = stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: &ipcasev1.EvidenceFileMetadata{
		MediaType: mediaType, FileName: filepath.Base(path), DeclaredSizeBytes: st.Size()}}})
	buf := make([]byte, uploadChunk)
	for err == nil {
		n, rerr := f.Read(buf)
		if n > 0 {
			err = stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Chunk{Chunk: buf[:n]}})
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return nil, rerr // the server keeps nothing of a stream that ends in an error
		}
	}
	// A Send that fails with io.EOF means the server ended the call;
	// CloseAndRecv returns its status.
	resp, err := stream.CloseAndRecv()
	return resp.GetFile(), err
}

// mediaTypeOf names the media type of f by its extension, else by its
// first bytes; f is left at its start.
func mediaTypeOf(f *os.File) (string, error) {
	if t := mime.TypeByExtension(filepath.Ext(f.Name())); t != "" {
		mt, _, err := mime.ParseMediaType(t)
		if err == nil {
			return mt, nil
		}
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(head[:n]))
	return mt, nil
}

// contentRequestID derives a request id from the complaint: the same
// complaint (same parties, rights, facts and evidence digests) gets the
// same id, so that the server answers a retry with the matter it filed.
func contentRequestID(req *ipcasev1.SubmitComplaintRequest) string {
	c := proto.Clone(req).(*ipcasev1.SubmitComplaintRequest)
	c.RequestId = ""
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil { // a message built from flags always marshals
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "cli-complaint-" + hex.EncodeToString(sum[:16])
}

// submitFlag names the flag behind a SubmitComplaintRequest field.
func submitFlag(field string) string {
	if stripIndex(field) == "complainant.contact" {
		return "--contact"
	}
	head, _, _ := strings.Cut(stripIndex(field), ".")
	return map[string]string{
		"request_id": "--request-id", "complainant": "--complainant", "respondents": "--respondent", "rights": "--right",
		"facts": "--facts", "claims": "--claims", "evidence": "--evidence", "known_since": "--known-since", "agency": "--agency",
	}[head]
}
