package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCLILinksNoDatabase: the officers' CLI computes and verifies offline
// with pure packages, and links no database driver, ORM or case store
// (issue 12). Importing a package that does — internal/decision for
// `ipcase verify`, which linked pgx and gorm through its store — fails
// here, which depguard's direct-import rules cannot see.
func TestCLILinksNoDatabase(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"gorm.io/", "github.com/jackc/pgx", "github.com/ipcase/ipcase/internal/store"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("cmd/ipcase links %s", dep)
			}
		}
	}
}
