package main

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// warnServingRole logs a warning when serve is connected as a role that
// can do more than the serving role may: a superuser, the owner of the
// tables (who can drop the append-only triggers and delete from the logs),
// a role that can change the schema. It does not stop the start: a
// development database may have one role only.
func warnServingRole(ctx context.Context, db *store.DB, logger *zap.Logger) {
	problems, err := store.ServingProblems(ctx, db)
	switch {
	case err != nil:
		logger.Warn("could not check what the database role may do", zap.Error(err))
	case len(problems) > 0:
		if len(problems) > 8 {
			problems = append(problems[:8:8], fmt.Sprintf("and %d more", len(problems)-8))
		}
		logger.Warn("serving as a database role that can switch the logs' protections off; "+
			"run ipcased migrate with DATABASE_OWNER_URL and serve as the serving role it prepares (README.md, \"Database roles\")",
			zap.Strings("role_can", problems))
	}
}
