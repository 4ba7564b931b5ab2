package store

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"
)

// servingPrivileges lists, table by table, what the serving role may do.
//
//go:embed serving_privileges.txt
var servingPrivileges string

// ServingRole is the role `ipcased serve` connects as: it reads and writes
// rows, and may change no schema, own nothing and alter no append-only
// table. The owner of the tables runs the migrations.
type ServingRole struct {
	// Name is the role's name.
	Name string
	// Password, if set, is given to the role (created with it when it does
	// not exist yet). Empty: the role must exist, with a password set by
	// whoever manages it (a superuser, CloudNativePG's managed roles).
	Password string `json:"-"`
}

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// privilege is one line of serving_privileges.txt.
type privilege struct {
	object   string   // a table, or a function with its argument types
	function bool     // object is a function
	grant    []string // SELECT, INSERT, UPDATE, DELETE; EXECUTE for a function
}

var (
	functionName = regexp.MustCompile(`^[a-z_][a-z0-9_]*\([a-z0-9_,\[\]]*\)$`)
	tableName    = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// tablePrivileges are the privileges a table may be granted; the others
// Postgres has (TRUNCATE, REFERENCES, TRIGGER) are checked absent.
var tablePrivileges = []string{"SELECT", "INSERT", "UPDATE", "DELETE"}

// parsePrivileges reads serving_privileges.txt.
func parsePrivileges(text string) ([]privilege, error) {
	var out []privilege
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		p := privilege{object: f[0], function: strings.Contains(f[0], "(")}
		switch {
		case p.function && !functionName.MatchString(p.object), !p.function && !tableName.MatchString(p.object):
			return nil, fmt.Errorf("serving_privileges.txt:%d: %q is neither a table nor a function", n, f[0])
		case seen[p.object]:
			return nil, fmt.Errorf("serving_privileges.txt:%d: %s listed twice", n, p.object)
		case len(f) == 2 && f[1] == "-":
		case len(f) < 2:
			return nil, fmt.Errorf("serving_privileges.txt:%d: %s: say what it may do, or -", n, p.object)
		default:
			for _, g := range f[1:] {
				if p.function && g != "EXECUTE" || !p.function && !slices.Contains(tablePrivileges, g) {
					return nil, fmt.Errorf("serving_privileges.txt:%d: %s: %s may not be granted", n, p.object, g)
				}
			}
			p.grant = f[1:]
		}
		seen[p.object] = true
		out = append(out, p)
	}
	return out, sc.Err()
}

// PrepareServingRole makes role the one `ipcased serve` connects as, on the
// database db is connected to as the owner of its tables: it creates the
// role if it does not exist and role.Password is set (the owner needs
// CREATEROLE, or must be a superuser), gives an existing role that password
// when it may, takes away any superuser, CREATEROLE, CREATEDB, REPLICATION
// or BYPASSRLS attribute, revokes everything the role holds in schema
// public and grants exactly what serving_privileges.txt lists. It then
// checks, as Postgres sees it, that the role can do no more; if it can
// (it is a member of the owner, say, or PUBLIC was granted more), it returns
// an error naming what.
func PrepareServingRole(ctx context.Context, db *DB, role ServingRole, logger *zap.Logger) error {
	if !roleName.MatchString(role.Name) {
		return fmt.Errorf("store: serving role %q: want a lower-case name of letters, digits and _", role.Name)
	}
	privs, err := parsePrivileges(servingPrivileges)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	g := db.g.WithContext(ctx)
	var owner string
	if err := g.Raw(`SELECT current_user`).Scan(&owner).Error; err != nil {
		return fmt.Errorf("store: serving role: %w", err)
	}
	if owner == role.Name {
		return fmt.Errorf("store: the serving role %q is the role migrate connects as: serve as another role", role.Name)
	}
	if err := ensureRole(ctx, db, role, logger); err != nil {
		return err
	}
	if err := db.InTx(ctx, func(tx Tx) error { return grantServing(tx, role.Name, privs) }); err != nil {
		return fmt.Errorf("store: granting %s its privileges: %w", role.Name, err)
	}
	// TEMPORARY is granted to PUBLIC by default; only the database's owner
	// can revoke it (Postgres merely warns when another role tries). A
	// temporary table is no one else's business, so this is not checked.
	var dbname string
	if err := g.Raw(`SELECT current_database()`).Scan(&dbname).Error; err != nil {
		return fmt.Errorf("store: serving role: %w", err)
	}
	if err := g.Exec(`REVOKE TEMPORARY ON DATABASE ` + QuoteIdent(dbname) + ` FROM PUBLIC`).Error; err != nil {
		logger.Warn("could not revoke TEMPORARY on the database from PUBLIC", zap.Error(err))
	}
	problems, err := servingProblems(ctx, db, role.Name, privs)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: the serving role %s can still %s", role.Name, strings.Join(problems, "; "))
	}
	return nil
}

// ensureRole creates role if it is missing, sets its password if one is
// given and the owner may, and takes away attributes a serving role must
// not have.
func ensureRole(ctx context.Context, db *DB, role ServingRole, logger *zap.Logger) error {
	var attrs []struct {
		Rolsuper, Rolcreaterole, Rolcreatedb, Rolreplication, Rolbypassrls bool
	}
	if err := db.g.WithContext(ctx).Raw(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
		FROM pg_roles WHERE rolname = ?`, role.Name).Scan(&attrs).Error; err != nil {
		return fmt.Errorf("store: serving role %s: %w", role.Name, err)
	}
	quoted := QuoteIdent(role.Name)
	const plain = ` NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS`
	if len(attrs) == 0 {
		if role.Password == "" {
			return fmt.Errorf("store: the serving role %s does not exist: create it (LOGIN, with a password), or give its password in DATABASE_URL so that migrate creates it", role.Name)
		}
		verifier, err := scramVerifier(role.Password)
		if err != nil {
			return fmt.Errorf("store: serving role %s: %w", role.Name, err)
		}
		// Through database/sql, not gorm, so that not even the verifier
		// reaches the statement log.
		_, err = db.SQL().ExecContext(ctx, `CREATE ROLE `+quoted+` LOGIN`+plain+` PASSWORD '`+verifier+`'`)
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && pgErr.Code == "42501":
			return fmt.Errorf("store: the owner may not create roles: create the serving role %s (LOGIN, with a password) as a superuser, or with CloudNativePG's managed roles", role.Name)
		case errors.As(err, &pgErr) && pgErr.Code == "42710": // another migrate created it just now
		case err != nil:
			return fmt.Errorf("store: creating the serving role %s: %w", role.Name, err)
		default:
			logger.Info("serving role created", zap.String("role", role.Name))
		}
		return nil
	}
	var mayManage bool
	if err := db.g.WithContext(ctx).Raw(`SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user`).Scan(&mayManage).Error; err != nil {
		return fmt.Errorf("store: serving role %s: %w", role.Name, err)
	}
	// An owner that may not manage roles leaves the password to whoever
	// does (a superuser, the operator); serve finds out if it is wrong.
	if role.Password != "" && mayManage {
		verifier, err := scramVerifier(role.Password)
		if err != nil {
			return fmt.Errorf("store: serving role %s: %w", role.Name, err)
		}
		if _, err := db.SQL().ExecContext(ctx, `ALTER ROLE `+quoted+` PASSWORD '`+verifier+`'`); err != nil {
			logger.Warn("could not set the serving role's password; it keeps the one it has",
				zap.String("role", role.Name), zap.Error(err))
		}
	}
	a := attrs[0]
	if a.Rolsuper || a.Rolcreaterole || a.Rolcreatedb || a.Rolreplication || a.Rolbypassrls {
		if _, err := db.SQL().ExecContext(ctx, `ALTER ROLE `+quoted+plain); err != nil {
			return fmt.Errorf("store: the serving role %s is a superuser or may create roles or databases, replicate or bypass row security, and the owner may not change that: %w", role.Name, err)
		}
		logger.Warn("serving role's powers taken away", zap.String("role", role.Name))
	}
	return nil
}

// grantServing revokes what role holds in schema public and grants privs.
func grantServing(tx Tx, role string, privs []privilege) error {
	g := tx.Gorm()
	var tables []string
	if err := g.Raw(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
		AND relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY relname`).Scan(&tables).Error; err != nil {
		return err
	}
	// A table granted nothing may be absent (schema_migrations is only
	// where the runner before goose left it).
	listed := map[string]bool{}
	for _, p := range privs {
		if !p.function {
			listed[p.object] = len(p.grant) > 0
		}
	}
	var unlisted, missing []string
	for _, t := range tables {
		if _, ok := listed[t]; !ok {
			unlisted = append(unlisted, t)
		}
		delete(listed, t)
	}
	for t, granted := range listed {
		if granted {
			missing = append(missing, t)
		}
	}
	if len(unlisted) > 0 {
		return fmt.Errorf("tables %v are not in internal/store/serving_privileges.txt: say there what ipcased may do to them", unlisted)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("internal/store/serving_privileges.txt lists tables %v, which the database lacks", missing)
	}
	r := QuoteIdent(role)
	stmts := []string{
		`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ` + r,
		`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ` + r,
		`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ` + r,
		`REVOKE ALL ON SCHEMA public FROM ` + r,
		`GRANT USAGE ON SCHEMA public TO ` + r,
	}
	var inserted []string
	for _, p := range privs {
		switch {
		case len(p.grant) == 0:
		case p.function:
			stmts = append(stmts, `GRANT EXECUTE ON FUNCTION `+p.object+` TO `+r)
		default:
			stmts = append(stmts, `GRANT `+strings.Join(p.grant, ", ")+` ON TABLE `+QuoteIdent(p.object)+` TO `+r)
			if slices.Contains(p.grant, "INSERT") {
				inserted = append(inserted, p.object)
			}
		}
	}
	for _, s := range stmts {
		if err := g.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	var sequences []string
	if err := g.Raw(`SELECT s FROM (SELECT pg_get_serial_sequence(format('%I', table_name), column_name) AS s
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ?) q
		WHERE s IS NOT NULL ORDER BY s`, inserted).Scan(&sequences).Error; err != nil {
		return err
	}
	for _, s := range sequences {
		// pg_get_serial_sequence returns the name quoted as SQL needs it.
		if err := g.Exec(`GRANT USAGE ON SEQUENCE ` + s + ` TO ` + r).Error; err != nil {
			return fmt.Errorf("granting USAGE on %s: %w", s, err)
		}
	}
	return nil
}

// servingProblems says what role can do that serving_privileges.txt does
// not give it, as Postgres decides it: through attributes, membership of an
// owner, grants to PUBLIC or to roles it belongs to.
func servingProblems(ctx context.Context, db *DB, role string, privs []privilege) ([]string, error) {
	g := db.g.WithContext(ctx)
	var r []struct {
		Rolsuper, Rolcreaterole, Rolcreatedb, Rolreplication, Rolbypassrls bool
		CreateInPublic, CreateSchemas                                      bool
		Owns                                                               string
	}
	err := g.Raw(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
			has_schema_privilege(rolname, 'public', 'CREATE') AS create_in_public,
			has_database_privilege(rolname, current_database(), 'CREATE') AS create_schemas,
			coalesce((SELECT string_agg(DISTINCT pg_get_userbyid(o.owner), ', ') FROM (
				SELECT relowner AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace
				UNION SELECT proowner FROM pg_proc WHERE pronamespace = 'public'::regnamespace
				UNION SELECT nspowner FROM pg_namespace WHERE nspname = 'public'
				UNION SELECT datdba FROM pg_database WHERE datname = current_database()) o
				WHERE pg_has_role(rolname, o.owner, 'MEMBER')), '') AS owns
		FROM pg_roles WHERE rolname = ?`, role).Scan(&r).Error
	if err != nil {
		return nil, fmt.Errorf("store: checking the serving role %s: %w", role, err)
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("store: the serving role %s does not exist", role)
	}
	a := r[0]
	var out []string
	for _, c := range []struct {
		has  bool
		what string
	}{
		{a.Rolsuper, "do anything: it is a superuser"},
		{a.Rolcreaterole, "create roles"},
		{a.Rolcreatedb, "create databases"},
		{a.Rolreplication, "replicate"},
		{a.Rolbypassrls, "bypass row security"},
		{a.CreateInPublic, "create objects in schema public"},
		{a.CreateSchemas, "create schemas"},
		{a.Owns != "", "act as the owner of the schema (it is, or may become, " + a.Owns + ")"},
	} {
		if c.has {
			out = append(out, c.what)
		}
	}
	allowed := map[string][]string{}
	for _, p := range privs {
		if !p.function {
			allowed[p.object] = p.grant
		}
	}
	var held []struct{ Table, Privilege string }
	if err := g.Raw(`SELECT c.relname AS table, p AS privilege
		FROM pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
		AND has_table_privilege(?, c.oid, p) ORDER BY 1, 2`, role).Scan(&held).Error; err != nil {
		return nil, fmt.Errorf("store: checking the serving role %s: %w", role, err)
	}
	for _, h := range held {
		if !slices.Contains(allowed[h.Table], h.Privilege) {
			out = append(out, h.Privilege+" "+h.Table)
		}
	}
	return out, nil
}

// ServingProblems says what the role db is connected as can do that the
// serving role must not: be a superuser, own the tables or belong to their
// owner, create objects, or hold privileges serving_privileges.txt does not
// list (UPDATE on events, DELETE on access_log, …). ipcased serve warns
// when it is connected as such a role.
func ServingProblems(ctx context.Context, db *DB) ([]string, error) {
	privs, err := parsePrivileges(servingPrivileges)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var role string
	if err := db.g.WithContext(ctx).Raw(`SELECT current_user`).Scan(&role).Error; err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return servingProblems(ctx, db, role, privs)
}

// scramVerifier returns the SCRAM-SHA-256 verifier of password (RFC 5802,
// 7677) in Postgres' format, so that the password itself is never sent in
// a statement that Postgres may log. The password must be printable ASCII,
// which Postgres' SASLprep leaves as it is.
func scramVerifier(password string) (string, error) {
	for _, c := range password {
		if c < 0x20 || c > 0x7e {
			return "", errors.New("the password must be printable ASCII")
		}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	const iterations = 4096 // Postgres' scram_iterations default
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(msg string) []byte {
		h := hmac.New(sha256.New, salted)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac("Server Key"))), nil
}
