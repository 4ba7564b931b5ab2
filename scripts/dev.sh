#!/usr/bin/env bash
# The README's first command: starts the whole system with demo data.
#
#   scripts/dev.sh          provision Postgres if DATABASE_URL is unset, migrate,
#                           start ipcased and ipcase-gateway, load demo data,
#                           print what to try;
#                           runs until Ctrl-C
#   scripts/dev.sh stop     stop the private Postgres cluster
#
# Everything it writes under .run/ (tokens, keys, certificates, logs, the
# database passwords) is the checkout owner's alone: mode 0600, folders 0700.
set -euo pipefail
umask 077
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh

if [ "${1:-}" = stop ]; then
	stop_postgres
	exit 0
fi

ensure_postgres
if [ -n "$pg_private" ] && [ -z "${DATABASE_OWNER_URL:-}" ]; then
	# The private cluster: migrate as the owner of the tables, serve as a
	# role that may change rows but not the schema or the logs' protections.
	ensure_dev_roles
fi
export IPCASE_GRPC_ADDR=${IPCASE_GRPC_ADDR:-127.0.0.1:7070}
export IPCASE_LOG_MODE=${IPCASE_LOG_MODE:-development}

# Decisions render as PDF in a CJK TrueType font (IPCASE_PDF_FONT, by default
# Debian's fonts-arphic-gbsn00lp); installed here when missing and root.
if [ -z "${IPCASE_PDF_FONT:-}" ] && ! dpkg -s fonts-arphic-gbsn00lp >/dev/null 2>&1 &&
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "dev: installing fonts-arphic-gbsn00lp with apt-get (the font of decisions' PDF)" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-gbsn00lp >&2
fi

echo "dev: building" >&2
mkdir -p .bin .run
# Files an earlier dev.sh left readable by others (before umask 077).
chmod -R go= .run
go build -o .bin/ ./cmd/...
(cd scripts/tools/protoc && GOBIN="$root/.bin" go install github.com/fullstorydev/grpcurl/cmd/grpcurl)
# proto/ imports google/api/annotations.proto: fetched into .cache/googleapis
# for clients in other languages to load proto/ with (README, "gRPC").
scripts/protodeps.sh

.bin/ipcased migrate --create

# Development keys and certificates, made once and kept in .run/ (git-ignored).
keys=.run/keys
if [ ! -f $keys/signing.jwk ]; then
	mkdir -p $keys && chmod 700 $keys
	.bin/ipcased token keygen --kid dev-1 --private $keys/signing.jwk --jwks $keys/jwks.json
	.bin/ipcased token keygen --kid checkpoint-1 --private $keys/checkpoint.jwk
fi
# The key that signs the sessions one-time sign-in links are exchanged for;
# its public half joins the JWKS ipcased trusts, allowed to sign sessions
# and nothing else (IPCASE_AUTH_KEY_ROLES says so too, for a .run/keys made
# before keys carried their roles).
[ -f $keys/signin.jwk ] || .bin/ipcased token keygen --kid signin-1 --roles session --private $keys/signin.jwk --jwks $keys/jwks.json
.bin/ipcased dev certs --dir .run/certs --court 京73 --court 粤73
export IPCASE_AUTH_JWKS_FILE=$keys/jwks.json IPCASE_CHECKPOINT_KEY_FILE=$keys/checkpoint.jwk
# The private keys agencies and courts sign decisions with: ipcased makes
# an issuer's first key here (0600 files) on its first decision.
export IPCASE_DECISION_KEY_DIR=$keys/decision
export IPCASE_COURT_ADDR=${IPCASE_COURT_ADDR:-127.0.0.1:7071}
export IPCASE_COURT_TLS_CERT=.run/certs/server.pem IPCASE_COURT_TLS_KEY=.run/certs/server-key.pem IPCASE_COURT_CA=.run/certs/ca.pem
export IPCASE_GATEWAY_ADDR=${IPCASE_GATEWAY_ADDR:-127.0.0.1:8080}
export IPCASE_METRICS_ADDR=${IPCASE_METRICS_ADDR:-127.0.0.1:9090} IPCASE_GATEWAY_METRICS_ADDR=${IPCASE_GATEWAY_METRICS_ADDR:-127.0.0.1:9091}
export IPCASE_GATEWAY_UPSTREAM=$IPCASE_GRPC_ADDR IPCASE_STATUS_PAGE_URL=http://$IPCASE_GATEWAY_ADDR
export IPCASE_SIGNIN_KEY_FILE=$keys/signin.jwk IPCASE_EVIDENCE_DIR=.run/evidence
export IPCASE_AUTH_KEY_ROLES=${IPCASE_AUTH_KEY_ROLES:-signin-1=session}
# Sign-in links go to the complainant, never to the officer who asks: in
# development they land here, one file per message, for you to open.
export IPCASE_SIGNIN_OUTBOX_DIR=${IPCASE_SIGNIN_OUTBOX_DIR:-.run/outbox}
mkdir -p "$IPCASE_SIGNIN_OUTBOX_DIR" && chmod 700 "$IPCASE_SIGNIN_OUTBOX_DIR"

.bin/ipcased serve >.run/ipcased.log 2>&1 &
pid=$!
.bin/ipcase-gateway >.run/gateway.log 2>&1 &
gwpid=$!
trap 'kill $pid $gwpid 2>/dev/null; wait $pid $gwpid 2>/dev/null' EXIT
trap 'exit 0' INT TERM

echo "dev: loading demo data" >&2
admin=$(.bin/ipcased token issue --key $keys/signing.jwk --sub dev-admin --role admin --ttl 10m)
demo=$(.bin/ipcased demo --addr "$IPCASE_GRPC_ADDR" --token "$admin") || { tail -n 20 .run/ipcased.log >&2; exit 1; }
matter=$(printf '%s\n' "$demo" | sed -n 's/^DEMO_MATTER=//p')
party=$(printf '%s\n' "$demo" | sed -n 's/^DEMO_PARTY=//p')
.bin/ipcased token issue --key $keys/signing.jwk --sub demo-officer --role officer --agency SAMR-HZ --ttl 24h >.run/officer.token
.bin/ipcased token issue --key $keys/signing.jwk --sub demo-holder --role rights_holder --parties "$party" --ttl 24h >.run/holder.token
# The officer asks for a link; ipcased sends it to the complainant's
# contact, here a file in the outbox, and tells the officer only where.
if sent=$(.bin/ipcase --server "$IPCASE_GRPC_ADDR" --token "$(cat .run/officer.token)" matters signin-link "$matter" 2>&1); then
	message=$(ls -t "$IPCASE_SIGNIN_OUTBOX_DIR"/*.txt | head -n 1)
	link=$(sed -n 's/^Link: //p' "$message")
	linknote="the message the complainant received: $message"
else
	link="none" linknote="$sent"
fi

cat <<MSG

ipcase is running.
  gRPC         $IPCASE_GRPC_ADDR   (log: .run/ipcased.log)
  HTTP/JSON    http://$IPCASE_GATEWAY_ADDR/v1/…   (OpenAPI: http://$IPCASE_GATEWAY_ADDR/openapi.json; log: .run/gateway.log)
  status page  http://$IPCASE_GATEWAY_ADDR/
  courts       $IPCASE_COURT_ADDR   (mutual TLS; certificates in .run/certs/)
  metrics      http://$IPCASE_METRICS_ADDR/metrics, http://$IPCASE_GATEWAY_METRICS_ADDR/metrics   (pprof: /debug/pprof/)
  database     $(printf '%s' "$DATABASE_URL" | sed 's#//[^@]*@#//#')
$(if [ -n "${pg_private:-}" ]; then
	echo "               private cluster (scripts/pg.sh), fsync=off: an acknowledged write survives a crash of"
	echo "               Postgres or ipcased, but a crash of the machine can lose it: development data only"
fi)

Demo matters:
$(printf '%s\n' "$demo" | grep -v '^DEMO_')

Tokens (24 h; also in .run/officer.token and .run/holder.token):
  officer of SAMR-HZ:  $(cat .run/officer.token)
  rights holder (the trademark complainant, party $party):
                       $(cat .run/holder.token)

The status page, as the trademark complainant:
  one-time link (works once, 72 h; reads that matter only):  $link
    ($linknote)
  or sign in at http://$IPCASE_GATEWAY_ADDR/ with the rights holder's token above.
The JSON API, as the same rights holder:
  curl -s -H "Authorization: Bearer \$(cat .run/holder.token)" http://$IPCASE_GATEWAY_ADDR/v1/matters
  curl -s -H "Authorization: Bearer \$(cat .run/holder.token)" http://$IPCASE_GATEWAY_ADDR/v1/$matter/status
  curl -s -H "Authorization: Bearer \$(cat .run/holder.token)" -H 'Content-Type: application/pdf' --data-binary @README.md 'http://$IPCASE_GATEWAY_ADDR/v1/evidence:upload?fileName=readme.pdf'

Try, as the officer:
  .bin/grpcurl -plaintext -H "authorization: Bearer \$(cat .run/officer.token)" -d '{"name":"$matter"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/GetMatter
  .bin/grpcurl -plaintext -H "authorization: Bearer \$(cat .run/officer.token)" -d '{"parent":"$matter"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/ListMatterEvents
  .bin/grpcurl -plaintext -H "authorization: Bearer \$(cat .run/officer.token)" -d '{"name":"$matter"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/VerifyMatterHistory
as the rights holder (its own matters only, public projection):
  .bin/grpcurl -plaintext -H "authorization: Bearer \$(cat .run/holder.token)" $IPCASE_GRPC_ADDR ipcase.v1.FilingService/ListMatters
as court 京73 over mutual TLS:
  .bin/grpcurl -cacert .run/certs/ca.pem -cert .run/certs/court-1.pem -key .run/certs/court-1-key.pem $IPCASE_COURT_ADDR ipcase.v1.FilingService/ListMatters
with the CLI:
  .bin/ipcase login --server $IPCASE_GRPC_ADDR --token-file .run/officer.token
  .bin/ipcase matters list
  .bin/ipcase matters timeline $matter
  IPCASE_TOKEN=\$(cat .run/officer.token) .bin/ipcase audit verify $matter
  .bin/ipcase damages calc --local --ip-type trademark --conduct-start 2020-01-01 --conduct-end 2020-12-31 \\
      --base-kind infringer-profit --base 1000000 --contribution 0.35 --multiple 2.5 --intentional --serious --claim 3000000
what the operators watch (Prometheus text; deploy/grafana/ipcase.json charts it):
  curl -s http://$IPCASE_METRICS_ADDR/metrics | grep -E '^ipcase_(grpc_requests_total|leader|event_consumer_lag|deadlines_)'
and without credentials (refused):
  .bin/grpcurl -plaintext $IPCASE_GRPC_ADDR ipcase.v1.FilingService/ListMatters

Ctrl-C stops ipcased and the gateway; 'scripts/dev.sh stop' stops the private Postgres.
MSG
wait $pid
