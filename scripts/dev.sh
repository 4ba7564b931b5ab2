#!/usr/bin/env bash
# The README's first command: starts the whole system with demo data.
#
#   scripts/dev.sh          provision Postgres if DATABASE_URL is unset, migrate,
#                           start ipcased, load demo data, print what to try;
#                           runs until Ctrl-C
#   scripts/dev.sh stop     stop the private Postgres cluster
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh

if [ "${1:-}" = stop ]; then
	stop_postgres
	exit 0
fi

ensure_postgres
export IPCASE_GRPC_ADDR=${IPCASE_GRPC_ADDR:-127.0.0.1:7070}
export IPCASE_LOG_MODE=${IPCASE_LOG_MODE:-development}

echo "dev: building" >&2
mkdir -p .bin .run
go build -o .bin/ ./cmd/...
(cd scripts/tools/protoc && GOBIN="$root/.bin" go install github.com/fullstorydev/grpcurl/cmd/grpcurl)

.bin/ipcased migrate -create

.bin/ipcased serve >.run/ipcased.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
trap 'exit 0' INT TERM

echo "dev: loading demo data" >&2
demo=$(.bin/ipcased demo -addr "$IPCASE_GRPC_ADDR") || { tail -n 20 .run/ipcased.log >&2; exit 1; }
matter=$(printf '%s\n' "$demo" | sed -n 's/^DEMO_MATTER=//p')

cat <<MSG

ipcase is running.
  gRPC         $IPCASE_GRPC_ADDR   (log: .run/ipcased.log)
  database     $(printf '%s' "$DATABASE_URL" | sed 's#//[^@]*@#//#')

Demo matters:
$(printf '%s\n' "$demo" | grep -v '^DEMO_MATTER=')

Try:
  .bin/grpcurl -plaintext -d '{"name":"$matter"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/GetMatter
  .bin/grpcurl -plaintext -d '{"parent":"$matter"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/ListMatterEvents
  .bin/grpcurl -plaintext -d '{"state":"MATTER_STATE_SUBMITTED"}' $IPCASE_GRPC_ADDR ipcase.v1.FilingService/ListMatters
  .bin/grpcurl -plaintext $IPCASE_GRPC_ADDR describe ipcase.v1.FilingService

Ctrl-C stops ipcased; 'scripts/dev.sh stop' stops the private Postgres.
MSG
wait $pid
