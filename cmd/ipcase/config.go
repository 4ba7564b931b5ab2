package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// savedLogin is what `ipcase login` keeps: the server and the credentials
// to reach it, so that later commands need neither flag nor variable.
// Precedence, for each setting: the flag, then the environment variable
// (IPCASE_SERVER, IPCASE_TOKEN, IPCASE_TLS_CA, IPCASE_COURT_CERT,
// IPCASE_COURT_KEY), then this file, then the default. A login is either a
// token's or a court's: each login replaces the file.
type savedLogin struct {
	Server string `json:"server,omitempty"`
	Token  string `json:"token,omitempty"`
	TLSCA  string `json:"tlsCA,omitempty"`
	// Cert and Key are a court's client certificate and key, saved by
	// `ipcase login --court`, for mutual TLS on the courts' listener.
	Cert string `json:"cert,omitempty"`
	Key  string `json:"key,omitempty"`
}

// configPath is the file `ipcase login` writes: IPCASE_CONFIG if set, else
// ipcase/config.json in the user's config directory ($XDG_CONFIG_HOME or
// ~/.config on Linux).
func configPath() (string, error) {
	if p := os.Getenv("IPCASE_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory: %w (set IPCASE_CONFIG)", err)
	}
	return filepath.Join(dir, "ipcase", "config.json"), nil
}

// loadLogin reads the saved login; a missing file is an empty login.
func loadLogin() (savedLogin, error) {
	var l savedLogin
	path, err := configPath()
	if err != nil {
		return l, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return l, err
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return l, fmt.Errorf("%s is not an ipcase config (%w); run ipcase login again", path, err)
	}
	return l, nil
}

// saveLogin writes l where configPath says, readable by the user only: the
// file holds a bearer token. It is written to a temporary file first, so a
// crash never leaves half a config.
func saveLogin(l savedLogin) (string, error) {
	path, err := configPath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.json")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close() //nolint:errcheck,gosec // already failing
		return "", err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close() //nolint:errcheck,gosec // already failing
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// firstOf returns the first non-empty value.
func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// clients are the ipcased services the officers' commands call.
type clients struct {
	filing      ipcasev1.FilingServiceClient
	status      ipcasev1.StatusServiceClient
	enforcement ipcasev1.EnforcementServiceClient
	mediation   ipcasev1.MediationServiceClient
	evidence    ipcasev1.EvidenceServiceClient
	trial       ipcasev1.TrialServiceClient
	customs     ipcasev1.CustomsServiceClient
}

// noFlags is the flagOf of a command whose request fields have no flags.
func noFlags(string) string { return "" }

// withConn dials ipcased, runs fn under the --timeout and turns its error
// into a command error through callError; method ("Service.Method") and
// flagOf name what failed.
func withConn(ctx context.Context, cfg *config, fn func(context.Context, clients) error, method string, flagOf func(string) string) error {
	conn, err := dial(cfg)
	if err != nil {
		return &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := fn(ctx, clients{filing: ipcasev1.NewFilingServiceClient(conn), status: ipcasev1.NewStatusServiceClient(conn),
		enforcement: ipcasev1.NewEnforcementServiceClient(conn), mediation: ipcasev1.NewMediationServiceClient(conn),
		evidence: ipcasev1.NewEvidenceServiceClient(conn), trial: ipcasev1.NewTrialServiceClient(conn),
		customs: ipcasev1.NewCustomsServiceClient(conn)}); err != nil {
		return callError(cfg, method, err, flagOf)
	}
	return nil
}
