package store

// MigrateFS is Migrate over the migration files at the root of an fs.FS.
var MigrateFS = migrateFS

// MigrationFiles holds the embedded migrations, under migrations/.
var MigrationFiles = migrationFiles

// Lookup is the statement that reads the response stored under a key.
var Lookup = lookup
