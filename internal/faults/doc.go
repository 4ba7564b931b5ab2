// Package faults holds process-level fault tests of ipcased: they build the
// real binary, run it as a process against a real Postgres, talk to it over
// gRPC sockets, and then break things the way production does — kill -9 in
// the middle of a load of submits, a Postgres restart under load, a second
// replica whose partner dies, a backup restored into a fresh database — and
// check that no acknowledged filing is lost or duplicated, that matter
// numbers stay unique, that every matter's hash chain still verifies, and
// that the singleton tasks (event relay, deadline sweeper) move to a
// surviving replica.
//
// The package has no code of its own outside its tests. The Postgres
// restart test needs the server binaries (initdb, pg_ctl), the backup test
// pg_dump and pg_restore; without them those tests are skipped, unless
// IPCASE_REQUIRE_FAULTS is set, which makes their absence a failure (CI
// sets it where Postgres is installed).
package faults
